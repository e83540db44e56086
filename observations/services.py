"""Recording an observation or a professional discussion as one piece of evidence, linked to the criteria and judged
met by the assessor in one step, with the learner's (and a witness's) signature; and the learner's later confirmation.

A record is complete or absent: the files are checked first, then written and every row made in one transaction;
if any step fails the transaction is rolled back and the files written are removed (portfolio.uploads.StoredFiles).
The portfolio's own services do the evidence, linking and judging, so their rules hold here unchanged.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy, gettext_noop
from django.utils.translation import gettext as _

from centres.models import record_event
from ledger.services import record as record_in_ledger
from notifications.kinds import Delivery, register_kind
from notifications.services import notify
from planning.models import Visit
from portfolio.models import Registration
from portfolio.services import AlreadyDone, NotAllowed, PortfolioError
from portfolio.services.checks import criteria_on_plan, is_assessor, is_learner, require
from portfolio.services.evidence import create_evidence, link_criteria, submit_evidence
from portfolio.services.judgement import LinkJudgement, judge_evidence
from portfolio.uploads import StoredFiles, prepare_all

from .models import AssessmentRecord, DiscussionMarker, RecordSignature

OBSERVATION_TO_CONFIRM = "observation_to_confirm"
register_kind(
    OBSERVATION_TO_CONFIRM,
    label=gettext_lazy("Observation to confirm"),
    description=gettext_lazy("Your assessor recorded an observation for you to confirm in your own account."),
    default=Delivery.IMMEDIATE,
)

OBSERVATION, DISCUSSION = "Obs", "PD"
NAME_MAX = 200
SIGNATURE_IMAGE_MAX = 200_000  # characters of a PNG data URL: a phone-sized drawing is a few tens of kilobytes
MARKERS_MAX = 200
PNG_PREFIX = "data:image/png;base64,"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class SignatureInput:
    """A signature given on the assessor's device: a drawn PNG (data URL) or a typed name, and the snapshot of the
    content the signer saw (JSON, sent by the page's script when they signed; absent without JavaScript)."""

    name: str = ""
    image: str = ""
    typed: str = ""
    signed_content: str = ""

    @property
    def given(self) -> bool:
        return bool(self.image.strip() or self.typed.strip())


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


def _normalise(text: str) -> str:
    # A textarea posts CRLF line ends; the page's script reads LF. Both sign the same words.
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def signable_content(*, title: str, observed: str, location: str, criterion_ids: Iterable) -> dict:
    """What a signer puts their name to on the device: the words and the criteria (the page's script sends the same
    fields, as they stood when the learner signed)."""
    ids = sorted({int(pk) for pk in criterion_ids})
    return {
        "title": _normalise(title),
        "observed": _normalise(observed),
        "location": _normalise(location),
        "criteria": ids,
    }


def content_hash(content: dict) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _snapshot_hash(snapshot: str) -> str | None:
    try:
        data = json.loads(snapshot)
        return content_hash(
            signable_content(
                title=str(data.get("title", "")),
                observed=str(data.get("observed", "")),
                location=str(data.get("location", "")),
                criterion_ids=[int(pk) for pk in data.get("criteria", [])],
            )
        )
    except (ValueError, TypeError, AttributeError):
        return None


UNREADABLE_DRAWING = {
    "learner": gettext_noop("The learner's drawn signature could not be read; clear it and sign again."),
    "witness": gettext_noop("The witness's drawn signature could not be read; clear it and sign again."),
}
CHANGED_AFTER_SIGNING = {
    "learner": gettext_noop(
        "The record changed after the learner signed it: show them the record again and ask them to sign again. "
        "Nothing was saved."
    ),
    "witness": gettext_noop(
        "The record changed after the witness signed it: show them the record again and ask them to sign again. "
        "Nothing was saved."
    ),
}


def _clean_image(image: str, who: str) -> str:
    image = (image or "").strip()
    if not image:
        return ""
    if len(image) > SIGNATURE_IMAGE_MAX or not image.startswith(PNG_PREFIX):
        raise PortfolioError(_(UNREADABLE_DRAWING[who]))
    try:
        head = base64.b64decode(image[len(PNG_PREFIX) :][:32], validate=False)
    except (binascii.Error, ValueError):
        head = b""
    if not head.startswith(PNG_MAGIC):
        raise PortfolioError(_(UNREADABLE_DRAWING[who]))
    return image


def _check_signature(signature: SignatureInput, signed_hash: str, who: str) -> tuple[str, str, str]:
    """(how, name, image) for a signature given on the device; refuses a stale one (the content changed after it
    was given)."""
    image = _clean_image(signature.image, who)
    typed = (signature.typed or "").strip()[:NAME_MAX]
    if signature.signed_content:
        if _snapshot_hash(signature.signed_content) != signed_hash:
            raise PortfolioError(_(CHANGED_AFTER_SIGNING[who]))
    how = RecordSignature.How.DRAWN if image else RecordSignature.How.TYPED
    return how, typed, image


def _check_recordings(prepared) -> None:
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


def _require_assessor(actor, registration: Registration) -> None:
    require(is_assessor(actor, registration), _("Only the learner's assessor may record an observation or discussion."))


def _make_evidence(*, actor, registration, data: RecordInput, method: str, saver: StoredFiles, prepared):
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


def _full_hash(signable: dict, prepared) -> str:
    return content_hash({**signable, "files": sorted(item.sha256 for item in prepared)})


def _sign_event(record: AssessmentRecord, signature: RecordSignature, actor) -> None:
    with translation.override("en"):  # the audit history stays in English
        summary = (
            f"{signature.get_role_display()} {signature.name} signed the record of evidence "
            f"{record.evidence.reference} ({signature.get_how_display().lower()})"
        )
    record_event(
        action=f"observation.{signature.role}_signed",
        obj=signature,
        actor=actor,
        centre=record.registration.centre,
        registration_id=record.registration_id,
        summary=summary,
        evidence_reference=record.evidence.reference,
        how=signature.how,
        content_hash=signature.content_hash,
    )
    record_in_ledger("record_signature", signature)


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
    _require_assessor(actor, registration)
    if visit is not None:
        visit = Visit.objects.get(pk=visit.pk)  # as it stands now (it may have been cancelled since)
        _check_visit(visit, actor, registration)
    criteria = criteria_on_plan(registration, data.criterion_ids)
    if not criteria:
        raise PortfolioError(_("Choose the criteria you observed."))
    if not _normalise(data.observed):
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
        learner_signature = _check_signature(learner, signed_hash, "learner")
        if learner_signature[0] == RecordSignature.How.DRAWN and not learner_signature[1]:
            learner_signature = (learner_signature[0], registration.learner.full_name, learner_signature[2])
    witness_signature = None
    if witness is not None and (witness.given or witness.name.strip()):
        witness_name = (witness.name or "").strip()[:NAME_MAX]
        if not witness_name:
            raise PortfolioError(_("Give the witness's name with their signature."))
        if not witness.given:
            raise PortfolioError(_("The witness has not signed: ask them to sign, or clear their name."))
        how, _typed, image = _check_signature(witness, signed_hash, "witness")
        witness_signature = (how, witness_name, image)
    prepared = prepare_all(data.files)
    try:
        _check_recordings(prepared)
        full_hash = _full_hash(signable, prepared)
        with StoredFiles() as saver, transaction.atomic():
            evidence = _make_evidence(
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
            _event(
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
                _sign_event(record, signature, actor)
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


def _event(record: AssessmentRecord, actor, summary: str, *, criteria, **data) -> None:
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


def parse_markers(raw: str) -> list[Marker]:
    """The markers the page's script posts: JSON [{"criterion": id, "seconds": n}, ...]."""
    raw = (raw or "").strip()
    if not raw:
        return []
    try:
        items = json.loads(raw)
        markers = [Marker(criterion_id=int(item["criterion"]), seconds=float(item["seconds"])) for item in items]
    except (ValueError, TypeError, KeyError):
        raise PortfolioError(_("The markers could not be read; nothing was saved.")) from None
    return markers


def record_discussion(*, actor, registration: Registration, data: RecordInput) -> AssessmentRecord:
    """Record a professional discussion: one piece of evidence (method PD) holding the audio recording, linked to
    the criteria discussed and judged met, with time-stamped markers against those criteria."""
    _require_assessor(actor, registration)
    criteria = criteria_on_plan(registration, data.criterion_ids)
    if not criteria:
        raise PortfolioError(_("Choose the criteria the discussion covered."))
    chosen = {criterion.pk for criterion in criteria}
    if len(data.markers) > MARKERS_MAX:
        raise PortfolioError(_("Keep to %(most)s markers.") % {"most": MARKERS_MAX})
    for marker in data.markers:
        if marker.criterion_id not in chosen:
            raise PortfolioError(_("A marker is for a criterion the discussion does not cover; nothing was saved."))
        if not math.isfinite(marker.seconds) or marker.seconds < 0 or marker.seconds > 86_400:
            raise PortfolioError(_("A marker's time is not within the recording; nothing was saved."))
    if not data.files:
        raise PortfolioError(_("Record the discussion, or choose an audio file of it."))
    prepared = prepare_all(data.files)
    try:
        # A browser's own recording (MediaRecorder) is WebM, which the allow-list files under video.
        if len(prepared) != 1 or prepared[0].file_type.family not in {"audio", "video"}:
            raise PortfolioError(_("A professional discussion is saved with one audio recording."))
        _check_recordings(prepared)
        signable = signable_content(
            title=data.title, observed=data.observed, location=data.location, criterion_ids=data.criterion_ids
        )
        full_hash = _full_hash(
            {**signable, "markers": [[m.criterion_id, round(m.seconds, 1)] for m in data.markers]}, prepared
        )
        with StoredFiles() as saver, transaction.atomic():
            evidence = _make_evidence(
                actor=actor, registration=registration, data=data, method=DISCUSSION, saver=saver, prepared=prepared
            )
            record = AssessmentRecord.objects.create(
                evidence=evidence,
                registration=registration,
                kind=AssessmentRecord.Kind.DISCUSSION,
                assessor=actor,
                confirmation=AssessmentRecord.Confirmation.NOT_ASKED,
                content_hash=full_hash,
            )
            DiscussionMarker.objects.bulk_create(
                [
                    DiscussionMarker(
                        record=record, criterion_id=marker.criterion_id, seconds=Decimal(str(round(marker.seconds, 1)))
                    )
                    for marker in data.markers
                ]
            )
            _event(
                record,
                actor,
                f"Recorded a professional discussion as evidence {evidence.reference}",
                criteria=criteria,
                markers=len(data.markers),
            )
    finally:
        for item in prepared:
            item.close()
    return record


@transaction.atomic
def confirm_observation(*, actor, record: AssessmentRecord, signed_hash: str) -> RecordSignature:
    """The learner confirms, signed in to their own account, an observation the assessor left for them to confirm.
    The page showed the record with its content hash: a record that changed since then is refused."""
    record = (
        AssessmentRecord.objects.select_for_update(of=("self",))
        .select_related("registration__centre", "registration__learner", "evidence")
        .get(pk=record.pk)
    )
    if not is_learner(actor, record.registration):
        raise NotAllowed(_("Only the learner may confirm this observation."))
    if record.confirmation != AssessmentRecord.Confirmation.LATER:
        raise PortfolioError(_("This record was signed on the assessor's device; there is nothing to confirm."))
    if record.learner_confirmed_at is not None:
        raise AlreadyDone(_("You have already confirmed this observation."), record)
    if (signed_hash or "") != record.content_hash:
        raise PortfolioError(_("The record changed since you opened it: read it again, then confirm."))
    now = timezone.now()
    signature = RecordSignature.objects.create(
        record=record,
        role=RecordSignature.Role.LEARNER,
        how=RecordSignature.How.ACCOUNT,
        name=actor.full_name,
        user=actor,
        content_hash=record.content_hash,
        signed_at=now,
    )
    record.learner_confirmed_at = now
    record.save(update_fields=["learner_confirmed_at"])
    _sign_event(record, signature, actor)
    return signature
