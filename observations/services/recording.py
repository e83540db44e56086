"""Recording an observation as one piece of evidence, linked to the criteria and judged met by the assessor in one
step, with the learner's (and a witness's) signature or the learner's confirmation to come; and what recording a
professional discussion (observations.services.discussions) shares with it.

A record is complete or absent: the files are checked first, then written and every row made in one transaction;
if any step fails the transaction is rolled back and the files written are removed (portfolio.uploads.StoredFiles).
The portfolio's own services do the evidence, linking and judging, so their rules hold here unchanged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _

from centres.models import record_event
from notifications.kinds import Delivery, register_kind
from notifications.services import notify
from planning.models import Visit
from portfolio.models import Registration
from portfolio.services import PortfolioError
from portfolio.services.checks import criteria_on_plan, is_assessor, require
from portfolio.services.evidence import create_evidence, link_criteria, submit_evidence
from portfolio.services.judgement import LinkJudgement, judge_evidence
from portfolio.uploads import StoredFiles, prepare_all

from ..models import AssessmentRecord, RecordSignature
from .signatures import (
    NAME_MAX,
    SignatureInput,
    check_signature,
    content_hash,
    normalise_text,
    sign_event,
    signable_content,
)

OBSERVATION_TO_CONFIRM = "observation_to_confirm"
register_kind(
    OBSERVATION_TO_CONFIRM,
    label=gettext_lazy("Observation to confirm"),
    description=gettext_lazy("Your assessor recorded an observation for you to confirm in your own account."),
    default=Delivery.IMMEDIATE,
)

OBSERVATION, DISCUSSION = "Obs", "PD"


@dataclass(frozen=True)
class Marker:
    criterion_id: int
    seconds: float


@dataclass
class RecordInput:
    title: str
    date: dt.date
    observed: str
    criterion_ids: Sequence
    location: str = ""
    files: Sequence = ()
    submission_token: str = ""
    markers: Sequence[Marker] = field(default_factory=list)


def max_recording_bytes() -> int:
    return settings.OBSERVATION_MAX_RECORDING_BYTES


def recording_limit_label() -> str:
    return filesizeformat(max_recording_bytes())


def check_recordings(prepared) -> None:
    limit = max_recording_bytes()
    for item in prepared:
        if item.file_type.family in {"audio", "video"} and item.size > limit:
            raise PortfolioError(
                _(
                    "“%(name)s” is %(size)s, over the limit of %(limit)s for a recording. Nothing was saved: record a "
                    "shorter clip, or split it."
                )
                % {"name": item.original_name, "size": filesizeformat(item.size), "limit": recording_limit_label()}
            )


def require_assessor(actor, registration: Registration) -> None:
    require(is_assessor(actor, registration), _("Only the learner's assessor may record an observation or discussion."))


def make_evidence(*, actor, registration, data: RecordInput, method: str, saver: StoredFiles, prepared):
    """The evidence, linked to the criteria, submitted and each link accepted with the criterion marked met."""
    evidence = create_evidence(
        actor=actor,
        registration=registration,
        title=data.title,
        date=data.date,
        description=data.observed,
        methods=[method],
        location=data.location,
        files=prepared,
        submission_token=data.submission_token,
        saver=saver,
    )
    link_criteria(actor=actor, evidence=evidence, add=data.criterion_ids)
    submit_evidence(actor=actor, evidence=evidence)
    judge_evidence(
        actor=actor,
        evidence=evidence,
        judgements=[LinkJudgement(link_id=link.pk, accepted=True, mark_met=True) for link in evidence.links.all()],
    )
    return evidence


def record_hash(signable: dict, prepared) -> str:
    return content_hash({**signable, "files": sorted(item.sha256 for item in prepared)})


def record_observation(
    *,
    actor,
    registration: Registration,
    data: RecordInput,
    learner_confirms_later: bool,
    learner: SignatureInput,
    witness: SignatureInput | None = None,
    visit: Visit | None = None,
) -> AssessmentRecord:
    """Record an observation: one piece of evidence (method Obs) with its photos and recordings, linked to the
    observed criteria and judged met, signed by the learner on the device (or left for them to confirm in their own
    account), and by a witness if one was there."""
    require_assessor(actor, registration)
    if visit is not None:
        visit = Visit.objects.get(pk=visit.pk)  # as it stands now (it may have been cancelled since)
        _check_visit(visit, actor, registration)
    criteria = criteria_on_plan(registration, data.criterion_ids)
    if not criteria:
        raise PortfolioError(_("Choose the criteria you observed."))
    if not normalise_text(data.observed):
        raise PortfolioError(_("Write what you observed."))
    signable = signable_content(
        title=data.title, observed=data.observed, location=data.location, criterion_ids=data.criterion_ids
    )
    signed_hash = content_hash(signable)
    if learner_confirms_later:
        if learner.given:
            raise PortfolioError(
                _(
                    "You chose that the learner will confirm later in their own account, so they cannot sign here too: "
                    "clear their signature, or choose that they sign now."
                )
            )
        learner_signature = None
    else:
        if not learner.given:
            raise PortfolioError(
                _("The learner has not signed: hand them the device to sign, or choose that they will confirm later.")
            )
        learner_signature = check_signature(learner, signed_hash, "learner")
        if learner_signature[0] == RecordSignature.How.DRAWN and not learner_signature[1]:
            learner_signature = (learner_signature[0], registration.learner.full_name, learner_signature[2])
    witness_signature = None
    if witness is not None and (witness.given or witness.name.strip()):
        witness_name = (witness.name or "").strip()[:NAME_MAX]
        if not witness_name:
            raise PortfolioError(_("Give the witness's name with their signature."))
        if not witness.given:
            raise PortfolioError(_("The witness has not signed: ask them to sign, or clear their name."))
        how, _typed, image = check_signature(witness, signed_hash, "witness")
        witness_signature = (how, witness_name, image)
    prepared = prepare_all(data.files)
    try:
        check_recordings(prepared)
        full_hash = record_hash(signable, prepared)
        with StoredFiles() as saver, transaction.atomic():
            evidence = make_evidence(
                actor=actor, registration=registration, data=data, method=OBSERVATION, saver=saver, prepared=prepared
            )
            now = timezone.now()
            record = AssessmentRecord.objects.create(
                evidence=evidence,
                registration=registration,
                kind=AssessmentRecord.Kind.OBSERVATION,
                assessor=actor,
                confirmation=AssessmentRecord.Confirmation.LATER
                if learner_confirms_later
                else AssessmentRecord.Confirmation.ON_DEVICE,
                content_hash=full_hash,
                learner_confirmed_at=None if learner_confirms_later else now,
                visit=visit,
            )
            recorded_event(
                record,
                actor,
                f"Recorded an observation as evidence {evidence.reference}"
                + (f" during the visit of {visit.date:%d/%m/%Y}" if visit is not None else ""),
                criteria=criteria,
                **({"visit": visit.pk} if visit is not None else {}),
            )
            if learner_confirms_later:
                notify(
                    registration.learner,
                    OBSERVATION_TO_CONFIRM,
                    centre=registration.centre,
                    title=lambda: (
                        gettext("Confirm the observation your assessor recorded as evidence %(reference)s")
                        % {"reference": evidence.reference}
                    ),
                    url=reverse("observations:record-confirm", args=[record.pk]),
                    actor=actor,
                    subject_object=record,
                )
            for role, given in (
                (RecordSignature.Role.LEARNER, learner_signature),
                (RecordSignature.Role.WITNESS, witness_signature),
            ):
                if given is None:
                    continue
                how, name, image = given
                signature = RecordSignature.objects.create(
                    record=record,
                    role=role,
                    how=how,
                    name=name,
                    image=image,
                    content_hash=full_hash,
                    signed_at=now,
                )
                sign_event(record, signature, actor)
    finally:
        for item in prepared:
            item.close()
    return record


def _check_visit(visit: Visit, actor, registration: Registration) -> None:
    """An observation kept with a visit: the actor's own visit, not cancelled, with this learner on it."""
    if visit.assessor_id != actor.pk:
        raise PortfolioError("Record observations only from your own visits.")
    if visit.is_cancelled:
        raise PortfolioError("This visit was cancelled: record the observation without it, or from another visit.")
    if not visit.registrations.filter(pk=registration.pk).exists():
        raise PortfolioError("This learner is not on that visit.")


def recorded_event(record: AssessmentRecord, actor, summary: str, *, criteria, **data) -> None:
    record_event(
        action=f"{record.kind}.recorded",
        obj=record,
        actor=actor,
        centre=record.registration.centre,
        registration_id=record.registration_id,
        summary=summary,
        evidence_reference=record.evidence.reference,
        criteria=[f"{c.unit.reference} {c.code}" for c in criteria],
        confirmation=record.confirmation,
        content_hash=record.content_hash,
        **data,
    )
