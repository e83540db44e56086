from django.utils.functional import SimpleLazyObject

from .access import roles_of


def roles(request):
    """`user_roles` in every template: role name -> centres (lazy: costs a query only when used)."""
    return {"user_roles": SimpleLazyObject(lambda: roles_of(request.user))}
