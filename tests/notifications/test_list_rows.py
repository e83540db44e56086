"""The notification list's rows, as notifications/templatetags/notification_tags.py writes them in one pass: each
piece of a row, read and unread, the centre's time, the CSRF token in each form, escaping and the reader's
language."""

import datetime as dt
import re
from types import SimpleNamespace

from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import translation
from django.utils.timezone import template_localtime

from notifications.templatetags.notification_tags import notification_rows

TOKEN = "a" * 64


def _row(
    *, read: bool = False, title: str = "Your assessor judged evidence 3", kind: str = "Evidence judged", **fields
):
    notification = {
        "pk": 41,
        "title": title,
        "is_read": read,
        "created_at": dt.datetime(2026, 3, 1, 9, 5, tzinfo=dt.UTC),
        **fields,
    }
    return {"notification": SimpleNamespace(**notification), "kind": kind}


def _rows(*rows, token: str | None = TOKEN) -> str:
    return str(notification_rows({"csrf_token": token} if token else {}, list(rows)))


def _forms(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<form method="post" action="([^"]+)">(.*?)</form>', html)


def test_an_unread_notification_is_bold_opens_through_a_form_and_can_be_marked_read():
    html = _rows(_row())
    assert html.startswith('<li class="list-group-item d-flex flex-wrap gap-2 align-items-start ')
    assert "justify-content-between notification-unread" in html
    (open_action, open_form), (read_action, read_form) = _forms(html)
    assert open_action == reverse("notifications:open", args=[41])
    assert open_form.endswith(
        '<button type="submit" class="btn btn-link p-0 notification-open fw-bold">'
        "Your assessor judged evidence 3</button>"
    )
    assert read_action == reverse("notifications:read", args=[41])
    assert read_form.endswith('<button type="submit" class="btn btn-outline-secondary btn-sm">Mark read</button>')
    assert (
        '<div class="small text-body-secondary">Evidence judged · <time datetime="2026-03-01T09:05:00+00:00">'
        "1 Mar 2026, 09:05</time> · <span>Unread</span></div>"
    ) in html


def test_a_read_notification_has_no_bold_no_unread_mark_and_no_mark_read_form():
    html = _rows(_row(read=True))
    assert "notification-unread" not in html and "fw-bold" not in html and "Unread" not in html
    (open_action, _), *others = _forms(html)
    assert open_action == reverse("notifications:open", args=[41]) and others == []


def test_every_form_carries_the_csrf_token_and_none_is_written_without_one():
    expected = f'<input type="hidden" name="csrfmiddlewaretoken" value="{TOKEN}">'
    html = _rows(_row(), _row(pk=42, read=True))
    assert [form.startswith(expected) for _, form in _forms(html)] == [True, True, True]
    assert "csrfmiddlewaretoken" not in _rows(_row(), token=None)
    assert "csrfmiddlewaretoken" not in _rows(_row(), token="NOTPROVIDED")


def test_the_time_is_the_centres():
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (British Summer Time), where the centre works.
    late = dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC)
    html = _rows(_row(created_at=late))
    assert '<time datetime="2026-07-01T00:30:00+01:00">1 Jul 2026, 00:30</time>' in html


def test_what_the_title_and_kind_say_is_escaped():
    html = _rows(_row(title='<b>bold</b> & "co"', kind="<i>kind</i>"))
    assert "<b>" not in html and "<i>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &quot;co&quot;</button>" in html
    assert "&lt;i&gt;kind&lt;/i&gt; · <time" in html


def test_the_words_and_the_month_are_in_the_readers_language():
    created = dt.datetime(2026, 7, 14, 8, 0, tzinfo=dt.UTC)
    with translation.override("cy"):
        html = _rows(_row(created_at=created))
        month_as_the_filter_writes_it = date_filter(template_localtime(created), "j M Y, H:i")
    assert f">{month_as_the_filter_writes_it}</time>" in html
    assert "<span>Heb eu darllen</span>" in html
    assert ">Nodi’n ddarllenedig</button>" in html
