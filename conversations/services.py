"""Who may read and post in a thread, and posting a message: the only write there is.

The people in a thread are the learner, the learner's assessor, and an IQA who has sampled this registration
for the unit (or, for a piece of evidence, for one of the units it is put forward for). The centre admin of the
learner's centre reads every thread of the centre without posting (they answer for the centre's records and
complaints); nobody else reads them: others of the centre get 403, anyone else 404 (the views' scoped lookups).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _

from centres.access import has_role
from centres.models import Role, record_event
from core.errors import DomainError, NotAllowed
from notifications.kinds import Delivery, register_kind
from notifications.services import notify
from portfolio.models import Evidence, Registration
from qualifications.models import Unit
from quality.models import SampleRecord

from .models import Message, Thread

BODY_MAX = 5000

NEW_MESSAGE = "conversation_message"
register_kind(
    NEW_MESSAGE,
    label=gettext_lazy("New message in a conversation"),
    description=gettext_lazy("Someone wrote in a conversation about evidence or a unit you take part in."),
    default=Delivery.IMMEDIATE,
)


class ConversationError(DomainError):
    pass


class Access(enum.Enum):
    NONE = "none"
    READ = "read"
    POST = "post"


def _samples_units(user, registration: Registration, unit_ids: Iterable[int]) -> bool:
    unit_ids = list(unit_ids)
    if not unit_ids:
        return False
    return SampleRecord.objects.filter(registration=registration, iqa=user, units__unit_id__in=unit_ids).exists()


def access_to(user, registration: Registration, unit_ids: Iterable[int]) -> Access:
    """What the user may do in a thread of this registration about these units."""
    if not user.is_authenticated or not user.is_active:
        return Access.NONE
    if user.pk == registration.learner_id:
        return Access.POST
    if user.pk == registration.assessor_id and has_role(user, Role.ASSESSOR, registration.centre_id):
        return Access.POST
    if has_role(user, Role.IQA, registration.centre_id) and _samples_units(user, registration, unit_ids):
        return Access.POST
    if has_role(user, Role.CENTRE_ADMIN, registration.centre_id):
        return Access.READ
    return Access.NONE


def evidence_unit_ids(evidence: Evidence) -> list[int]:
    """The units the evidence is put forward for (from its links, when the page holds them already)."""
    held = getattr(evidence, "_prefetched_objects_cache", {}).get("links")
    if held is not None:
        return sorted({link.criterion.unit_id for link in held})
    return list(evidence.links.order_by().values_list("criterion__unit_id", flat=True).distinct())


def _clean(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ConversationError(_("Write a message first."))
    if "\x00" in body:
        raise ConversationError(
            _("The message contains a NUL character (often pasted from another program); remove it.")
        )
    if len(body) > BODY_MAX:
        raise ConversationError(_("Keep a message to %(most)s characters.") % {"most": BODY_MAX})
    return body


def _thread(registration: Registration, *, evidence_reference: int | None = None, unit: Unit | None = None) -> Thread:
    lookup = {"registration": registration, "evidence_reference": evidence_reference, "unit": unit}
    thread = Thread.objects.select_for_update().filter(**lookup).first()
    if thread is not None:
        return thread
    try:
        with transaction.atomic():
            return Thread.objects.create(**lookup)
    except IntegrityError:  # two first messages at once: the other made the thread
        return Thread.objects.get(**lookup)


@transaction.atomic
def post_on_evidence(*, actor, evidence: Evidence, body: str) -> Message:
    """Add a message to the thread of a piece of evidence (every version of the piece shares it)."""
    registration = evidence.registration
    if access_to(actor, registration, evidence_unit_ids(evidence)) != Access.POST:
        raise NotAllowed(_("Only the learner, their assessor and an IQA sampling this work may post here."))
    body = _clean(body)
    thread = _thread(registration, evidence_reference=evidence.reference)
    message = Message.objects.create(thread=thread, author=actor, body=body)
    record_event(
        action="conversation.message",
        obj=message,
        actor=actor,
        centre=registration.centre,
        registration_id=registration.pk,
        summary=f"Message on evidence {evidence.reference}",
        thread=thread.pk,
        evidence_reference=evidence.reference,
        body=body,
    )
    _notify_participants(
        message,
        registration,
        title=lambda: gettext("New message about evidence %(reference)s") % {"reference": evidence.reference},
        url=reverse("portfolio:evidence-detail", args=[evidence.pk]),
    )
    return message


@transaction.atomic
def post_on_unit(*, actor, registration: Registration, unit: Unit, body: str) -> Message:
    """Add a message to the thread of one unit of a registration."""
    if access_to(actor, registration, [unit.pk]) != Access.POST:
        raise NotAllowed(_("Only the learner, their assessor and an IQA sampling this unit may post here."))
    body = _clean(body)
    thread = _thread(registration, unit=unit)
    message = Message.objects.create(thread=thread, author=actor, body=body)
    record_event(
        action="conversation.message",
        obj=message,
        actor=actor,
        centre=registration.centre,
        registration_id=registration.pk,
        summary=f"Message on unit {unit.reference}",
        thread=thread.pk,
        unit=unit.reference,
        unit_id=unit.pk,
        body=body,
    )
    _notify_participants(
        message,
        registration,
        title=lambda: gettext("New message about unit %(unit)s") % {"unit": unit.reference},
        url=reverse("portfolio:unit-progress", args=[registration.pk, unit.pk]),
    )
    return message


def _notify_participants(message: Message, registration: Registration, *, title: Callable[[], str], url: str) -> None:
    """Tell the thread's other participants (the learner, their assessor, and whoever has written in it, such as a
    sampling IQA) about a new message: inside the posting transaction, so the email goes after the commit."""
    people = {registration.learner_id, registration.assessor_id}
    people |= set(message.thread.messages.order_by().values_list("author_id", flat=True).distinct())
    people.discard(message.author_id)
    people.discard(None)
    from django.contrib.auth import get_user_model

    for person in get_user_model().objects.filter(pk__in=people).order_by("pk"):
        notify(
            person,
            NEW_MESSAGE,
            centre=registration.centre,
            title=title,
            url=url,
            actor=message.author,
            subject_object=message.thread,
        )
