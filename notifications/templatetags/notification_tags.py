"""The notification list's rows, written in one pass: a page of 40 notifications, each with two forms, a CSRF
token in each, two URLs and two dates, took about half of the page's CPU in a template loop. Escaped as the
template escaped them (core.markup)."""

from django import template
from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime
from django.utils.translation import gettext

from core.markup import day_formatter, html_of, html_rows, our_words
from core.templatetags.urls import reverse_numeric

register = template.Library()

_ROW = (
    '<li class="list-group-item d-flex flex-wrap gap-2 align-items-start justify-content-between{}">'
    '<div class="flex-grow-1 notification-body">'
    '<form method="post" action="{}">{}'
    '<button type="submit" class="btn btn-link p-0 notification-open{}">{}</button></form>'
    '<div class="small text-body-secondary">{} · <time datetime="{}">{}, {}</time>{}</div>'
    "</div>{}</li>"
)
_MARK_READ = (
    '<form method="post" action="{}">{}<button type="submit" class="btn btn-outline-secondary btn-sm">{}</button>'
    "</form>"
)


@register.simple_tag(takes_context=True)
def notification_rows(context, rows) -> SafeString:
    """A list item per notification of the page (rows of {"notification", "kind"}): its title, a form that opens
    it, its kind and when it came (the centre's time), and while unread, a form that marks it read."""
    token = context.get("csrf_token")
    csrf_input = (
        html_of('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)
        if token and token != "NOTPROVIDED"
        else ""
    )
    unread = html_of(" · <span>{}</span>", our_words(gettext("Unread")))
    mark_read = our_words(gettext("Mark read"))
    day = day_formatter("j M Y")

    def row(item) -> tuple:
        notification = item["notification"]
        created = template_localtime(notification.created_at)
        is_unread = not notification.is_read
        return (
            " notification-unread" if is_unread else "",
            reverse_numeric("notifications:open", notification.pk),
            csrf_input,
            " fw-bold" if is_unread else "",
            notification.title,
            item["kind"],
            created.isoformat(),
            day(created),
            f"{created:%H:%M}",
            unread if is_unread else "",
            html_of(_MARK_READ, reverse_numeric("notifications:read", notification.pk), csrf_input, mark_read)
            if is_unread
            else "",
        )

    return html_rows(_ROW, (row(item) for item in rows))
