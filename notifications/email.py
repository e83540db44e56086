"""The emails: one notification at once, or a day's digest; each with a one-click unsubscribe (RFC 8058).

They carry as little personal data as they can: the recipient's first name, the notification's title (which
names no learner and no evidence title) and a link to the page, where the person signs in to see the rest. The
subject names only the kind.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .kinds import REGISTRY, get_kind

UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def unsubscribe_token(user, kinds: list[str]) -> str:
    """A signed token naming a person and the kinds to stop emailing (no expiry: an old email's link still works,
    and all it can do is turn those emails off)."""
    return signing.dumps({"u": user.pk, "k": sorted(set(kinds))}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, list[str]] | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    kinds = [kind for kind in data.get("k", []) if kind in REGISTRY] if isinstance(data, dict) else []
    if not isinstance(data.get("u"), int) or not kinds:
        return None
    return data["u"], kinds


def unsubscribe_url(user, kinds: list[str]) -> str:
    return site_url(reverse("notifications:unsubscribe", args=[unsubscribe_token(user, kinds)]))


def _message(user, subject: str, template: str, context: dict, kinds: list[str]) -> EmailMultiAlternatives:
    unsubscribe = unsubscribe_url(user, kinds)
    context = {
        **context,
        "first_name": user.get_short_name() if user.full_name else "",
        "unsubscribe_url": unsubscribe,
        "settings_url": site_url(reverse("notifications:settings")),
    }
    body = render_to_string(template, context)
    return EmailMultiAlternatives(
        subject=subject,
        body=body,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )


def notification_email(notification) -> EmailMultiAlternatives:
    user = notification.recipient
    with translation.override(user.language or settings.LANGUAGE_CODE):
        kind = get_kind(notification.kind)
        return _message(
            user,
            _("Portfolio: %(kind)s") % {"kind": kind.label},
            "notifications/email/notification.txt",
            {"notification": notification, "kind": kind, "link": site_url(notification.url)},
            [notification.kind],
        )


def digest_email(user, notifications: list) -> EmailMultiAlternatives:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        items = [
            {"title": item.title, "link": site_url(item.url), "kind": get_kind(item.kind).label, "at": item.created_at}
            for item in notifications
            if item.kind in REGISTRY
        ]
        return _message(
            user,
            _("Portfolio: your daily summary (%(count)s)") % {"count": len(items)},
            "notifications/email/digest.txt",
            {"items": items, "inbox_url": site_url(reverse("notifications:list"))},
            [item.kind for item in notifications if item.kind in REGISTRY],
        )
