"""notify(): who is told, once, inside the caller's transaction; the email goes after the commit, by the worker."""

import pytest
from django.core import mail
from django.db import transaction

from centres.models import Membership
from notifications import kinds
from notifications.kinds import Delivery, register_kind
from notifications.models import Notification
from notifications.services import mark_all_read, mark_read, notify, set_preference, unread_count
from notifications.tasks import deliver_notification
from portfolio.models import Registration

pytestmark = pytest.mark.django_db


def _notify(world, recipient=None, **extra):
    options = {"centre": world.centre, "title": "Evidence E1 was judged", "url": "/portfolio/my/"}
    options.update(extra)
    return notify(recipient or world.learner, kinds.EVIDENCE_JUDGED, **options)


def test_notify_writes_a_notification_and_emails_after_the_commit(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification = _notify(world, actor=world.assessor)
        assert mail.outbox == []  # never inside the transaction
    assert len(callbacks) == 1
    assert Notification.objects.get().pk == notification.pk
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.learner.email]
    assert message.subject == "Portfolio: Decision and feedback"
    assert "Lena" in message.body and "Learner" not in message.body  # the first name only
    assert "http://testserver/portfolio/my/" in message.body or "/portfolio/my/" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/notifications/unsubscribe/" in message.extra_headers["List-Unsubscribe"]
    Notification.objects.filter(pk=notification.pk, emailed_at__isnull=False).get()


def test_a_rolled_back_event_notifies_nobody(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            _notify(world)
            raise RuntimeError("the service failed")
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_the_worker_sends_each_email_once(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(world)
    assert deliver_notification(notification.pk) == "already sent"
    assert len(mail.outbox) == 1


def test_nobody_is_told_about_their_own_action(world):
    assert _notify(world, recipient=world.assessor, actor=world.assessor) is None
    assert not Notification.objects.exists()


def test_nobody_is_notified_about_a_centre_they_have_left(world):
    Membership.objects.filter(user=world.assessor, centre=world.centre).update(is_active=False)
    assert _notify(world, recipient=world.assessor) is None
    assert notify(world.learner, kinds.EVIDENCE_JUDGED, centre=world.other_centre, title="x", url="/") is None
    Registration.objects.filter(learner=world.learner).update(status=Registration.Status.WITHDRAWN)
    assert _notify(world) is None
    assert not Notification.objects.exists()


def test_a_person_who_leaves_before_the_email_goes_is_not_emailed(world):
    notification = _notify(world)  # the commit has not happened: the worker has not run
    Registration.objects.filter(learner=world.learner).update(status=Registration.Status.WITHDRAWN)
    assert deliver_notification(notification.pk) == "left the centre"
    assert mail.outbox == []


def test_the_eqa_belongs_through_their_link(world):
    assert notify(world.eqa, kinds.EQA_COMMENT, centre=world.centre, title="x", url="/") is not None


def test_a_second_unread_notice_about_the_same_thing_is_not_repeated(world):
    first = _notify(world, subject_object=world.registration)
    second = _notify(world, subject_object=world.registration, title="Evidence E1 was judged again")
    assert first.pk == second.pk
    assert Notification.objects.get().title == "Evidence E1 was judged again"
    mark_read(user=world.learner, notification=first)
    third = _notify(world, subject_object=world.registration)
    assert third.pk != first.pk


def test_off_and_digest_choices_send_no_immediate_email(world, django_capture_on_commit_callbacks):
    set_preference(user=world.learner, kind=kinds.EVIDENCE_JUDGED, delivery=Delivery.OFF)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        off = _notify(world)
    assert off.delivery == Delivery.OFF and callbacks == [] and mail.outbox == []
    set_preference(user=world.learner, kind=kinds.EVIDENCE_JUDGED, delivery=Delivery.DIGEST)
    mark_read(user=world.learner, notification=off)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        digest = _notify(world, subject_object=world.registration)
    assert digest.delivery == Delivery.DIGEST and callbacks == [] and mail.outbox == []


def test_a_choice_changed_before_the_worker_runs_is_respected(world):
    notification = _notify(world)
    set_preference(user=world.learner, kind=kinds.EVIDENCE_JUDGED, delivery=Delivery.OFF)
    assert deliver_notification(notification.pk) == "turned off"
    assert mail.outbox == []


def test_unread_count_and_marking_read(world):
    _notify(world, subject_object=world.registration)
    _notify(world, subject_object=world.other_registration)
    assert unread_count(world.learner) == 2
    mark_read(user=world.learner, notification=Notification.objects.first())
    assert unread_count(world.learner) == 1
    assert mark_all_read(user=world.learner) == 1
    assert unread_count(world.learner) == 0


def test_apps_above_declare_their_own_kinds(world):
    register_kind("test_kind", label="A test kind", default=Delivery.DIGEST)
    try:
        notification = notify(world.learner, "test_kind", centre=world.centre, title="x", url="/")
        assert notification.delivery == Delivery.DIGEST
        with pytest.raises(ValueError):
            notify(world.learner, "no_such_kind", centre=world.centre, title="x", url="/")
    finally:
        kinds.REGISTRY.pop("test_kind")
