"""Notifying people: one call for the apps above, and the reader's own changes (read, preferences).

    from notifications.services import notify

    notify(learner, "evidence_judged", centre=centre, title=lambda: gettext("Your evidence E3 was judged"),
           url=reverse("portfolio:evidence-detail", args=[evidence.pk]), actor=assessor, subject_object=evidence)

`notify` writes the notification inside the caller's transaction (so it is there exactly when the event is), and
when the recipient wants an email at once it asks the background worker to send it after the commit
(`transaction.on_commit`), never inside the request. Titles are shown in the product and in the email's body, not
its subject: keep them free of names and evidence titles (a reference such as "E3" is enough). Give the title as
a function: it is called in the recipient's own language (the actor, or the worker, may be reading in another).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone, translation

from centres.models import EqaLink, Membership
from centres.sessions import read_with_session

from . import hooks
from .kinds import Delivery, get_kind
from .models import Notification, NotificationPreference

TITLE_MAX = 200


def delivery_for(user, kind: str) -> str:
    """How the person is emailed about this kind (their choice, or the kind's default)."""
    chosen = NotificationPreference.objects.filter(user=user, kind=kind).values_list("delivery", flat=True).first()
    return chosen or get_kind(kind).default


def preferences_of(user) -> dict[str, str]:
    """kind -> delivery for every registered kind (one query)."""
    from .kinds import all_kinds

    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind.key: chosen.get(kind.key, kind.default) for kind in all_kinds()}


def set_preference(*, user, kind: str, delivery: str) -> None:
    get_kind(kind)
    if delivery not in Delivery.values:
        raise ValueError(f"Unknown delivery {delivery!r}.")
    NotificationPreference.objects.update_or_create(user=user, kind=kind, defaults={"delivery": delivery})


def belonging_pairs(user_ids: Iterable[int], centre_ids: Iterable[int]) -> set[tuple[int, int]]:
    """(user id, centre id) for each of these people who still belongs to each of these centres: an active staff
    role, an active EQA link, or (answered by the portfolio) an active registration. A few queries, however many."""
    user_ids, centre_ids = set(user_ids), set(centre_ids)
    if not user_ids or not centre_ids:
        return set()
    pairs = set(
        Membership.objects.active()
        .filter(user_id__in=user_ids, centre_id__in=centre_ids)
        .values_list("user_id", "centre_id")
    )
    pairs |= set(
        EqaLink.objects.filter(
            is_active=True, user__is_active=True, user_id__in=user_ids, centre_id__in=centre_ids
        ).values_list("user_id", "centre_id")
    )
    for answer in hooks.belonging.ask(user_ids, centre_ids):
        pairs |= answer
    return pairs


def belongs_to_centre(user, centre) -> bool:
    return user.is_active and (user.pk, centre.pk) in belonging_pairs([user.pk], [centre.pk])


def notify(
    recipient, kind: str, *, centre, title: str | Callable[[], str], url: str, actor=None, subject_object=None
) -> Notification | None:
    """Tell `recipient` about something at `centre`; returns the notification, or None when nobody is told (the
    recipient acted themselves, has left the centre, or is not active). A second notification of the same kind
    about the same object, while the first is unread, is not repeated: the first is brought to the top."""
    get_kind(kind)
    if recipient is None or not recipient.is_active:
        return None
    if actor is not None and actor.pk == recipient.pk:
        return None
    title = _in_recipients_language(recipient, title)
    subject_type = subject_object._meta.model_name if subject_object is not None else ""
    subject_id = subject_object.pk if subject_object is not None else None
    now = timezone.now()
    if subject_id is not None:
        existing = (
            Notification.objects.unread()
            .filter(recipient=recipient, kind=kind, subject_type=subject_type, subject_id=subject_id, centre=centre)
            .first()
        )
        if existing is not None:
            existing.created_at = now
            existing.title = title[:TITLE_MAX]
            existing.url = url
            existing.save(update_fields=["created_at", "title", "url"])
            return existing
    if not belongs_to_centre(recipient, centre):
        return None
    notification = Notification.objects.create(
        recipient=recipient,
        centre=centre,
        kind=kind,
        title=title[:TITLE_MAX],
        url=url,
        actor=actor if actor is not None and actor.is_authenticated else None,
        subject_type=subject_type,
        subject_id=subject_id,
        created_at=now,
        delivery=delivery_for(recipient, kind),
    )
    if notification.delivery == Delivery.IMMEDIATE:
        pk = notification.pk
        transaction.on_commit(lambda: _dispatch(pk))
    return notification


def _dispatch(pk: int) -> None:
    """Hand the email to the background worker (the test settings' "sync" runner sends it at once)."""
    if getattr(settings, "JOBS_RUNNER", "worker") == "sync":
        from .tasks import deliver_notification

        deliver_notification(pk)
        return
    from django_q.tasks import async_task

    async_task("notifications.tasks.deliver_notification", pk, task_name=f"notification #{pk}", group="notification")


def unread_count(user) -> int:
    """The bell's count: read with the person's session row when it was (unread_with_session), else one query."""
    if not user.is_authenticated:
        return 0
    if hasattr(user, "session_unread_notifications"):
        return user.session_unread_notifications or 0  # no unread row: NULL
    return Notification.objects.for_user(user).unread().count()


def unread_with_session() -> dict:
    """Answers centres.hooks.session_user_values: the person's unread count, read with their session row."""
    return {"unread_notifications": read_with_session("unread_notifications", _unread_of_session_person)}


def _unread_of_session_person() -> Subquery:
    unread = Notification.objects.for_user(OuterRef("user_id")).unread().order_by().values("recipient_id")
    return Subquery(unread.annotate(count=Count("pk")).values("count"))


def _forget_unread_count(user) -> None:
    # Read at the request's start: a change within the request is counted again when the bell asks.
    if hasattr(user, "session_unread_notifications"):
        del user.session_unread_notifications


def mark_read(*, user, notification: Notification) -> None:
    if notification.recipient_id != user.pk:
        raise ValueError("Only the recipient reads a notification.")
    _forget_unread_count(user)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)


def mark_all_read(*, user) -> int:
    _forget_unread_count(user)
    return Notification.objects.for_user(user).unread().update(read_at=timezone.now())


def told_before(kind: str, subject_model: str, subject_ids: Iterable[int]) -> set[tuple[int, int, str]]:
    """(recipient id, subject id, title) of every notification of this kind ever made about these objects, read or
    not: one query. The daily reminders (a plan item due, then overdue; a visit tomorrow) use it to tell each person
    once per object and state, whatever how often they run."""
    subject_ids = list(subject_ids)
    if not subject_ids:
        return set()
    return set(
        Notification.objects.filter(kind=kind, subject_type=subject_model, subject_id__in=subject_ids).values_list(
            "recipient_id", "subject_id", "title"
        )
    )


def _in_recipients_language(recipient, title: str | Callable[[], str]) -> str:
    """A title given as a function is written in the recipient's chosen language (as their emails are)."""
    if callable(title):
        with translation.override(recipient.language or settings.LANGUAGE_CODE):
            return str(title())
    return title


def notify_once(
    told: set, recipient, kind: str, *, centre, title: str | Callable[[], str], url: str, subject_object
) -> bool:
    """notify() unless `told` (from told_before) shows this person was already told this title about this object
    (the title compared in the recipient's language, the one it was stored in)."""
    if recipient is None:
        return False
    title = _in_recipients_language(recipient, title)[:TITLE_MAX]
    if (recipient.pk, subject_object.pk, title) in told:
        return False
    made = notify(recipient, kind, centre=centre, title=title, url=url, subject_object=subject_object)
    if made is not None:
        told.add((recipient.pk, subject_object.pk, title))
    return made is not None
