"""Countersigning the samples of IQAs who work towards their IQA award.

Such a sample is recorded at once (its units, decisions, feedback and records checked) but it is not final:
the countersignatory named on the trainee's IQA membership at the plan's centre, who must hold an active,
qualified IQA role there, confirms it or returns it with a note. Confirming applies what follows from the
sample (quality.services.samples.apply_sample_outcome: the IQA line signed, the unit reopened, the actions
raised) exactly as for a qualified IQA's sample. A returned sample stays as a record with the note, never
takes effect and does not count towards the plan: the trainee (or another IQA) samples the unit again.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from centres import conflicts
from centres.access import membership_for
from centres.models import CompetenceStatus, Membership, Role, record_event
from core.compiled import CompiledRead
from portfolio.models import CountersignStatus, Registration
from tracking.models import Signature, SignatureRole

from ..models import SampleDecision, SampleKind, SampleRecord
from .errors import ConflictOfInterest, CountersignError, NotAllowed
from .plans import refresh_rates
from .samples import apply_sample_outcome, proposed_actions_of


def supervised_iqas(user) -> list[tuple[int, int]]:
    """(trainee IQA user id, centre id) for each IQA membership that names this user as countersignatory, at the
    centres where this user is an active qualified IQA. A trainee whose role has since ended still counts: their
    samples awaiting countersignature are still to be confirmed or returned."""
    if not user.is_authenticated:
        return []
    return _supervised_iqas(user_id=user.pk)


# Asked on every IQA's home page: SQL built once per process (core.compiled).
_supervised_iqas = CompiledRead(
    lambda user_id: (
        Membership.objects.filter(
            role=Role.IQA,
            countersignatory_id=user_id,
            centre_id__in=Membership.objects.active()
            .filter(user_id=user_id, role=Role.IQA, status=CompetenceStatus.QUALIFIED)
            .values("centre_id"),
        )
        .exclude(user_id=user_id)
        .values_list("user_id", "centre_id")
    )
)


def _samples_awaiting(iqa_ids, centre_ids):
    # The (trainee IQA, centre) pairs as two lists of the same length, which a compiled read binds (core.compiled).
    scope = Q(pk__in=[])
    for iqa_id, centre_id in zip(iqa_ids, centre_ids, strict=True):
        scope |= Q(iqa_id=iqa_id, plan__centre_id=centre_id)
    return SampleRecord.objects.awaiting_countersignature().filter(scope)


def samples_awaiting_countersignature(user) -> QuerySet[SampleRecord]:
    """The samples waiting for this user's countersignature."""
    pairs = supervised_iqas(user)
    return _samples_awaiting([iqa_id for iqa_id, _ in pairs], [centre_id for _, centre_id in pairs])


# The oldest waiting, with their learner and IQA, for every IQA's home page: SQL built once per process.
_first_samples_awaiting = CompiledRead(
    lambda limit, iqa_ids, centre_ids: (
        _samples_awaiting(iqa_ids, centre_ids)
        .select_related("registration__learner", "iqa")
        .order_by("sampled_at", "pk")[:limit]
    )
)


def first_samples_awaiting_countersignature(user, limit: int) -> list[SampleRecord]:
    """The oldest `limit` samples waiting for this user's countersignature, with their learner and IQA."""
    pairs = supervised_iqas(user)
    if not pairs:
        return []
    return _first_samples_awaiting(
        limit, iqa_ids=[iqa_id for iqa_id, _ in pairs], centre_ids=[centre_id for _, centre_id in pairs]
    )


def countersign_queue(user) -> list[SampleRecord]:
    """The countersign page: each waiting sample with its learner, plan, IQA and units, oldest first; three queries
    whatever their number."""
    return list(
        samples_awaiting_countersignature(user)
        .select_related("registration__learner", "plan__qualification", "plan__centre", "iqa", "assessor")
        .prefetch_related("units__unit")
        .order_by("sampled_at", "pk")
    )


def _trainee_membership(sample: SampleRecord) -> Membership | None:
    """The sampling IQA's IQA membership at the plan's centre, with its countersignatory."""
    return (
        Membership.objects.filter(user_id=sample.iqa_id, centre_id=sample.plan.centre_id, role=Role.IQA)
        .select_related("countersignatory")
        .first()
    )


def named_countersignatory(sample: SampleRecord):
    """The countersignatory named on the sampling IQA's membership at the plan's centre (None if nobody is)."""
    membership = _trainee_membership(sample)
    return membership.countersignatory if membership is not None else None


def is_countersignatory(user, sample: SampleRecord) -> bool:
    """Whether the user is named as countersignatory on the sampling IQA's membership at the plan's centre."""
    named = named_countersignatory(sample) if user.is_authenticated and user.pk != sample.iqa_id else None
    return named is not None and named.pk == user.pk


def _require_countersignatory(actor, sample: SampleRecord) -> None:
    centre = sample.plan.centre
    if actor.pk == sample.iqa_id:
        raise NotAllowed(_("You cannot countersign your own sample: your countersignatory confirms it."))
    named = named_countersignatory(sample)
    if named is None or named.pk != actor.pk:
        named_phrase = f", {named}," if named is not None else ""
        raise NotAllowed(
            _("Only %(iqa)s's countersignatory%(named_phrase)s may countersign this sample.")
            % {"iqa": sample.iqa, "named_phrase": named_phrase}
        )
    own = membership_for(actor, centre, Role.IQA)
    if own is None or own.needs_countersignature:
        raise CountersignError(
            _(
                "You are named as %(iqa)s's countersignatory, but you do not hold an "
                "active, qualified IQA role at %(centre)s: ask your centre admin to "
                "name another countersignatory."
            )
            % {"iqa": sample.iqa, "centre": centre}
        )


def _require_no_interest(actor, sample: SampleRecord, registration: Registration) -> None:
    """The countersignatory quality-assures too: never their own learner or decisions, nor a declared interest."""
    involved = (
        SampleDecision.objects.filter(sample=sample)
        .filter(
            Q(link__judged_by=actor)
            | Q(link__countersigned_by=actor)
            | Q(decision__decided_by=actor)
            | Q(decision__countersigned_by=actor)
        )
        .exists()
    )
    problem = conflicts.iqa_conflict(actor, registration, conflicts.Act.COUNTERSIGN_SAMPLE, involved=involved)
    if problem:
        raise ConflictOfInterest(f"{problem} Ask your centre admin to name another countersignatory for {sample.iqa}.")


def _require_sheets_unchanged(sample: SampleRecord) -> None:
    """A summative sample vouches for the sheets as they were signed off when sampled: if a unit has been reopened
    (and perhaps signed again) since, the sample no longer matches it."""
    if sample.kind != SampleKind.SUMMATIVE:
        return
    units = {sample_unit.unit_id: sample_unit.unit for sample_unit in sample.units.select_related("unit")}
    assessor_signed = dict(
        Signature.objects.live()
        .filter(
            sign_off__registration_id=sample.registration_id, sign_off__unit_id__in=units, role=SignatureRole.ASSESSOR
        )
        .values_list("sign_off__unit_id", "signed_at")
    )
    changed = [
        unit.reference
        for unit_id, unit in units.items()
        if unit_id not in assessor_signed or assessor_signed[unit_id] > sample.sampled_at
    ]
    if changed:
        raise CountersignError(
            ngettext(
                "%(join)s has been reopened since %(iqa)s sampled it, so the sample no longer matches the "
                "tracking sheet: return it with a note so the unit is sampled again.",
                "%(join)s have been reopened since %(iqa)s sampled it, so the sample no longer matches the "
                "tracking sheet: return it with a note so the unit is sampled again.",
                len(changed),
            )
            % {"join": ", ".join(changed), "iqa": sample.iqa}
        )


@transaction.atomic
def countersign_sample(*, actor, sample: SampleRecord, confirm: bool, note: str = "") -> SampleRecord:
    """Confirm a trainee IQA's sample (what follows from it is applied now), or return it with a note that the
    trainee sees. Only the countersignatory named on the trainee's IQA membership at the plan's centre, holding an
    active qualified IQA role there and with no interest in the learner or the decisions sampled, may do either."""
    # The same lock as recording a sample: one sample of a learner (or sign-off) at a time.
    registration = (
        Registration.objects.select_for_update()
        .select_related("centre", "learner", "assessor")
        .get(pk=sample.registration_id)
    )
    sample = (
        SampleRecord.objects.select_for_update(of=("self",))
        .select_related("plan__centre", "iqa", "assessor")
        .get(pk=sample.pk)
    )
    sample.registration = registration
    _require_countersignatory(actor, sample)
    if not sample.awaiting_countersignature:
        raise CountersignError(_("This sample is not awaiting countersignature."))
    note = (note or "").strip()
    if not confirm and not note:
        raise CountersignError(_("Say why you return the sample: %(iqa)s sees your note.") % {"iqa": sample.iqa})
    _require_no_interest(actor, sample, registration)
    if confirm:
        _require_sheets_unchanged(sample)
        apply_sample_outcome(sample=sample, actions=proposed_actions_of(sample), countersigned_by=actor)
    sample.countersign_status = CountersignStatus.CONFIRMED if confirm else CountersignStatus.OVERTURNED
    sample.countersigned_by = actor
    sample.countersigned_at = timezone.now()
    sample.countersign_note = note
    sample.save(update_fields=["countersign_status", "countersigned_by", "countersigned_at", "countersign_note"])
    results = {sample_unit.unit.reference: sample_unit.result for sample_unit in sample.units.select_related("unit")}
    with translation.override("en"):  # the audit history stays in English
        what = f"{sample.get_kind_display().split(' (')[0].lower()} sample of {registration.learner} by {sample.iqa}"
    record_event(
        action="iqa_sample_countersigned" if confirm else "iqa_sample_returned",
        obj=sample,
        actor=actor,
        registration=registration,
        summary=(f"Countersigned the {what}" if confirm else f"Returned the {what}") + (f": {note}" if note else ""),
        iqa_id=sample.iqa_id,
        kind=sample.kind,
        outcome=sample.outcome,
        units=results,
        note=note,
    )
    if confirm:
        # The confirmed outcome now counts in the assessor's risk.
        refresh_rates(plan=sample.plan, actor=actor)
    return sample
