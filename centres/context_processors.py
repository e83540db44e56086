from django.utils.functional import SimpleLazyObject

from .access import roles_of


class _RolesForTemplates(dict):
    """Role name -> centres, where a role the user does not hold reads as no centres. The navigation asks about
    every role on every page; without this, each role not held is a failed lookup that Django's template engine
    answers by raising, catching and listing the object's attributes."""

    def __missing__(self, role: str) -> list:
        return []


def roles(request):
    """`user_roles` in every template: role name -> centres (lazy: costs a query only when used)."""
    return {"user_roles": SimpleLazyObject(lambda: _RolesForTemplates(roles_of(request.user)))}
