"""What the background worker runs: one notification's email, and the daily digest (a periodic task)."""

from __future__ import annotations

import logging
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.core.mail import get_connection
from django.utils import timezone

from .email import digest_email, notification_email
from .kinds import REGISTRY, Delivery
from .models import Notification, NotificationPreference
from .services import belonging_pairs, delivery_for

logger = logging.getLogger(__name__)

DIGEST_BATCH = 500  # recipients per batch: a few queries per batch, whatever the number of learners


def deliver_notification(pk: int) -> str:
    """Email one notification, once. Checked again now: the person may have left the centre or changed their
    choice since the notification was made."""
    now = timezone.now()
    claimed = Notification.objects.filter(pk=pk, emailed_at__isnull=True, delivery=Delivery.IMMEDIATE).update(
        emailed_at=now
    )
    if not claimed:
        return "already sent"
    notification = Notification.objects.select_related("recipient", "centre").get(pk=pk)
    recipient = notification.recipient
    if notification.kind not in REGISTRY:
        return "unknown kind"
    if not recipient.is_active or (recipient.pk, notification.centre_id) not in belonging_pairs(
        [recipient.pk], [notification.centre_id]
    ):
        return "left the centre"
    delivery = delivery_for(recipient, notification.kind)
    if delivery == Delivery.OFF:
        return "turned off"
    if delivery == Delivery.DIGEST:  # chosen since: it waits for the digest instead
        Notification.objects.filter(pk=pk).update(delivery=Delivery.DIGEST, emailed_at=None)
        return "moved to the digest"
    try:
        notification_email(notification).send()
    except Exception:
        Notification.objects.filter(pk=pk).update(emailed_at=None)  # let a retry send it
        raise
    return "sent"


def send_daily_digests() -> dict[str, int]:
    """Send each person one email with their notifications waiting for the digest. Recipients are read in batches
    of DIGEST_BATCH, each batch in a fixed number of queries, so the run grows with the people, not the queries."""
    counts = {"emails": 0, "notifications": 0, "skipped": 0}
    User = get_user_model()
    connection = get_connection()
    waiting = Notification.objects.digest_waiting()
    last = 0
    while True:
        batch = list(
            waiting.filter(recipient_id__gt=last)
            .order_by("recipient_id")
            .values_list("recipient_id", flat=True)
            .distinct()[:DIGEST_BATCH]
        )
        if not batch:
            break
        last = batch[-1]
        now = timezone.now()
        items = defaultdict(list)
        for notification in waiting.filter(recipient_id__in=batch).order_by("created_at", "id"):
            items[notification.recipient_id].append(notification)
        users = {user.pk: user for user in User.objects.filter(pk__in=batch, is_active=True)}
        chosen = {
            (user_id, kind): delivery
            for user_id, kind, delivery in NotificationPreference.objects.filter(user_id__in=batch).values_list(
                "user_id", "kind", "delivery"
            )
        }
        belonging = belonging_pairs(batch, {n.centre_id for group in items.values() for n in group})
        messages, handled = [], []
        for user_id, notifications in items.items():
            handled.extend(n.pk for n in notifications)
            user = users.get(user_id)
            wanted = [
                n
                for n in notifications
                if user is not None
                and n.kind in REGISTRY
                and (user_id, n.centre_id) in belonging
                # Turned off since: not sent. Changed to "at once" since: it goes now, with the rest.
                and chosen.get((user_id, n.kind), REGISTRY[n.kind].default) != Delivery.OFF
            ]
            counts["skipped"] += len(notifications) - len(wanted)
            if wanted:
                messages.append(digest_email(user, wanted))
                counts["notifications"] += len(wanted)
        if messages:
            connection.send_messages(messages)
            counts["emails"] += len(messages)
        for start in range(0, len(handled), DIGEST_BATCH):
            Notification.objects.filter(pk__in=handled[start : start + DIGEST_BATCH]).update(emailed_at=now)
    logger.info("Daily digest: %(emails)s emails, %(notifications)s notifications, %(skipped)s skipped", counts)
    return counts
