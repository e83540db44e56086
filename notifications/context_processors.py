from django.utils.functional import SimpleLazyObject

from .services import unread_count


def unread_notifications(request):
    """`unread_notifications` in every template: the bell's count (one query, only when a page shows it)."""
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(request.user))}
