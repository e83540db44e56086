"""Evidence in a learner's portfolio: adding it with its files, linking it to criteria, submitting it for
assessment, withdrawing it and replacing rejected evidence with a new version.

Every service is atomic, takes the acting user, writes an Event and raises a PortfolioError the view shows.
Files are checked before anything is written, and removed again from storage if the change fails.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence

from django.db import IntegrityError, transaction
from django.utils import timezone

from centres.models import record_event
from centres.params import parse_id
from portfolio.models import CriterionDecision, Evidence, EvidenceFile, EvidenceLink, Registration
from portfolio.uploads import TYPES, PreparedFile, StoredFiles, generated_name, prepare_all
from qualifications.models import AssessmentCriterion, AssessmentMethod
from qualifications.spec_rules import SIMULATION, workplace_rule

from . import AlreadyDone, NotAllowed, PortfolioError
from .checks import (
    can_add_evidence,
    can_edit_evidence,
    criteria_on_plan,
    evidence_unit_ids,
    is_assessor,
    is_learner,
    require,
    require_active,
    require_unlocked,
)

TITLE_MAX = 200
LOCATION_MAX = 200
DESCRIPTION_MAX = 50_000
THUMBNAIL_TYPE = TYPES["jpg"]
SIMULATION_REASON_MAX = 2000
# Methods a learner does not record on their own evidence, and who does.
NOT_RECORDED_BY_LEARNER = {
    "Obs": "the assessor",
    "Q": "the assessor",
    "PD": "the assessor",
    "WT": "the witness, through an invitation",
}
FILES_ONLY_ON_DRAFTS = "Files can be added only before the evidence is submitted; add a new version instead."


def _event(action: str, evidence: Evidence, actor, summary: str, **data) -> None:
    record_event(
        action=action,
        obj=evidence,
        actor=actor,
        centre=evidence.registration.centre,
        registration_id=evidence.registration_id,
        summary=summary,
        evidence_reference=evidence.reference,
        evidence_version=evidence.version,
        **data,
    )


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise PortfolioError("Give the evidence a title.")
    if len(title) > TITLE_MAX:
        raise PortfolioError(f"Keep the title to {TITLE_MAX} characters.")
    return title


def _clean_description(description: str) -> str:
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise PortfolioError(f"Keep the written record to {DESCRIPTION_MAX:,} characters, or upload it as a document.")
    return description


def _clean_location(location: str) -> str:
    location = " ".join((location or "").split())
    if len(location) > LOCATION_MAX:
        raise PortfolioError(f"Keep the assessment location to {LOCATION_MAX} characters.")
    return location


def _clean_date(date: dt.date | None) -> dt.date:
    if date is None:
        raise PortfolioError("Give the date the evidence was produced.")
    if date > timezone.localdate():
        raise PortfolioError("The evidence date cannot be in the future.")
    return date


def _clean_methods(methods: Iterable) -> list[AssessmentMethod]:
    methods = list(methods)
    codes = [method for method in methods if isinstance(method, str)]
    result = [method for method in methods if isinstance(method, AssessmentMethod)]
    if codes:
        found = {method.code: method for method in AssessmentMethod.objects.filter(code__in=codes)}
        missing = sorted(set(codes) - set(found))
        if missing:
            raise PortfolioError(f"Unknown assessment method: {', '.join(missing)}.")
        result.extend(found[code] for code in codes)
    if not result:
        raise PortfolioError("Choose at least one assessment method.")
    return result


def _check_methods_for(actor, registration: Registration, methods: list[AssessmentMethod], already=()) -> None:
    """A learner records their own kinds of evidence only: observation, questioning and professional discussion are
    the assessor's records, witness testimony the witness's. Methods already on the evidence (a witness's WT) stay."""
    if not is_learner(actor, registration):
        return
    kept = {method.code for method in already}
    refused = [method for method in methods if method.code in NOT_RECORDED_BY_LEARNER and method.code not in kept]
    if refused:
        names = "; ".join(f"{method.name} is recorded by {NOT_RECORDED_BY_LEARNER[method.code]}" for method in refused)
        raise NotAllowed(f"{names}. Choose the methods of your own evidence only.")


def _clean_simulation_reason(methods: list[AssessmentMethod], reason: str) -> str:
    """Simulated evidence says why real work could not be used; other evidence keeps no reason."""
    reason = (reason or "").strip()
    if not any(method.code == SIMULATION for method in methods):
        return ""
    if not reason:
        raise PortfolioError(
            "Say why this evidence comes from a simulation (for example, why workplace evidence was not available)."
        )
    if len(reason) > SIMULATION_REASON_MAX:
        raise PortfolioError(f"Keep the reason for simulation to {SIMULATION_REASON_MAX} characters.")
    return reason


def refuse_simulation_where_workplace_required(criteria: Iterable[AssessmentCriterion]) -> None:
    """Simulated evidence cannot count for a unit its specification says must be assessed in real work."""
    for criterion in criteria:
        rule = workplace_rule(criterion.unit.reference, criterion.code)
        if rule is not None:
            raise PortfolioError(
                f"Simulated evidence cannot be linked to {criterion.unit.reference} {criterion.code}: the "
                f"specification of {rule.qualification_number} says “{rule.quote}”"
            )


def _store(saver: StoredFiles, evidence: Evidence, prepared: Sequence[PreparedFile], actor) -> list[EvidenceFile]:
    """Write each accepted file and its row. The hash was taken from the bytes written and the stored size checked,
    so the file counts as verified now (portfolio.integrity checks it again later, and when packed)."""
    stored = []
    for item in prepared:
        now = timezone.now()
        record = EvidenceFile(
            evidence=evidence,
            original_name=item.original_name,
            content_type=item.content_type,
            size=item.size,
            sha256=item.sha256,
            thumbnail_sha256=item.thumbnail_sha256,
            uploaded_by=actor,
            uploaded_at=now,
            verified_at=now,
            integrity=EvidenceFile.Integrity.OK,
        )
        saver.save(record.file, generated_name(item.file_type), item.content, original_name=item.original_name)
        if item.thumbnail is not None:
            saver.save(
                record.thumbnail,
                generated_name(THUMBNAIL_TYPE, "-thumbnail"),
                io.BytesIO(item.thumbnail),
                original_name=item.original_name,
            )
        record.save()
        stored.append(record)
    return stored


def _lock_evidence(evidence: Evidence) -> Evidence:
    return Evidence.objects.select_for_update(of=("self",)).select_related("registration__centre").get(pk=evidence.pk)


def _require_editable(actor, evidence: Evidence) -> None:
    require_active(evidence.registration)
    require(
        can_edit_evidence(actor, evidence),
        "Only the learner who made this evidence, or their assessor for the records they made, may change it.",
    )
    if evidence.status == Evidence.Status.WITHDRAWN:
        raise PortfolioError("This evidence has been withdrawn; it can no longer change.")
    if not evidence.is_current:
        raise PortfolioError(f"Version {evidence.version} has been replaced by a newer version; change that instead.")


def create_evidence(
    *,
    actor,
    registration: Registration,
    title: str,
    date: dt.date,
    methods: Iterable,
    description: str = "",
    files: Sequence = (),
    language: str = "English",
    location: str = "",
    submission_token: str = "",
    simulation_reason: str = "",
) -> Evidence:
    """Add a draft piece of evidence with the registration's next reference (never reused) and its files."""
    require_active(registration)
    require(can_add_evidence(actor, registration), "Only the learner or their assessor may add evidence.")
    title, date, methods = _clean_title(title), _clean_date(date), _clean_methods(methods)
    _check_methods_for(actor, registration, methods)
    simulation_reason = _clean_simulation_reason(methods, simulation_reason)
    description = _clean_description(description)
    location = _clean_location(location)
    submission_token = (submission_token or "")[:64]
    if submission_token:
        _refuse_repeat(registration, submission_token)
    prepared = prepare_all(files)
    try:
        with StoredFiles() as saver, transaction.atomic():
            locked = Registration.objects.select_for_update(of=("self",)).get(pk=registration.pk)
            if submission_token:
                _refuse_repeat(locked, submission_token)
            reference = locked.next_evidence_reference
            Registration.objects.filter(pk=locked.pk).update(next_evidence_reference=reference + 1)
            registration.next_evidence_reference = reference + 1
            evidence = Evidence.objects.create(
                registration=locked,
                reference=reference,
                title=title,
                date=date,
                description=description,
                language=(language or "English").strip()[:50],
                location=location,
                author=actor,
                submission_token=submission_token,
                simulation_reason=simulation_reason,
            )
            evidence.methods.set(methods)
            stored = _store(saver, evidence, prepared, actor)
            _event(
                "evidence.created",
                evidence,
                actor,
                f"Added evidence {reference}: {title}",
                title=title,
                date=date.isoformat(),
                methods=[method.code for method in methods],
                simulation_reason=simulation_reason,
                location=location,
                files=[file.original_name for file in stored],
            )
    except IntegrityError:
        # Two posts of the same form raced: the other one saved the evidence.
        if submission_token:
            _refuse_repeat(registration, submission_token)
        raise
    finally:
        for item in prepared:
            item.close()
    return evidence


def _refuse_repeat(registration: Registration, token: str) -> None:
    existing = Evidence.objects.filter(registration=registration, submission_token=token).first()
    if existing is not None:
        raise AlreadyDone(f"This evidence was already saved as reference {existing.reference}.", existing)


def add_files(*, actor, evidence: Evidence, files: Sequence) -> list[EvidenceFile]:
    """Add files to a draft (submitted evidence changes only through a new version)."""
    _require_editable(actor, evidence)
    if evidence.status != Evidence.Status.DRAFT:
        raise PortfolioError(FILES_ONLY_ON_DRAFTS)
    if not files:
        raise PortfolioError("Choose at least one file.")
    prepared = prepare_all(files)
    try:
        with StoredFiles() as saver, transaction.atomic():
            locked = _lock_evidence(evidence)
            _require_editable(actor, locked)
            if locked.status != Evidence.Status.DRAFT:
                raise PortfolioError(FILES_ONLY_ON_DRAFTS)
            require_unlocked(locked.registration, evidence_unit_ids(locked))
            stored = _store(saver, locked, prepared, actor)
            _event(
                "evidence.files_added",
                locked,
                actor,
                f"Added {len(stored)} file(s) to evidence {locked.reference}",
                files=[
                    {"name": file.original_name, "type": file.content_type, "sha256": file.sha256} for file in stored
                ],
            )
    finally:
        for item in prepared:
            item.close()
    return stored


@transaction.atomic
def link_criteria(*, actor, evidence: Evidence, add: Iterable = (), remove: Iterable = ()) -> tuple[int, int]:
    """Link the evidence to criteria on the learner's plan (any units at once) and unlink criteria not yet judged.
    Returns how many links were added and removed."""
    evidence = _lock_evidence(evidence)
    _require_editable(actor, evidence)
    registration = evidence.registration
    add_criteria = criteria_on_plan(registration, add)
    remove_criteria = criteria_on_plan(registration, remove)
    existing = {link.criterion_id: link for link in evidence.links.select_related("criterion")}
    to_add = [criterion for criterion in add_criteria if criterion.pk not in existing]
    if evidence.is_simulated:
        refuse_simulation_where_workplace_required(to_add)
    to_remove = []
    for criterion in remove_criteria:
        link = existing.get(criterion.pk)
        if link is None:
            continue
        if link.status != EvidenceLink.Status.PENDING or link.judged_at is not None:
            raise PortfolioError(f"{criterion.unit.reference} {criterion.code} has been judged; it stays linked.")
        to_remove.append(link)
    require_unlocked(registration, {c.unit_id for c in to_add} | {link.criterion.unit_id for link in to_remove})
    EvidenceLink.objects.bulk_create([EvidenceLink(evidence=evidence, criterion=criterion) for criterion in to_add])
    if to_remove:
        EvidenceLink.objects.filter(pk__in=[link.pk for link in to_remove]).delete()
    if to_add:
        codes = [f"{c.unit.reference} {c.code}" for c in to_add]
        _event(
            "evidence.linked",
            evidence,
            actor,
            f"Linked evidence {evidence.reference} to {', '.join(codes)}",
            criteria=codes,
            criterion_ids=[c.pk for c in to_add],
        )
    if to_remove:
        codes = [f"{link.criterion.unit.reference} {link.criterion.code}" for link in to_remove]
        _event(
            "evidence.unlinked",
            evidence,
            actor,
            f"Unlinked evidence {evidence.reference} from {', '.join(codes)}",
            criteria=codes,
            criterion_ids=[link.criterion_id for link in to_remove],
        )
    return len(to_add), len(to_remove)


@transaction.atomic
def submit_evidence(*, actor, evidence: Evidence, declaration: bool = False) -> Evidence:
    """Send a draft for assessment. The learner declares that their own evidence is their own work."""
    evidence = _lock_evidence(evidence)
    if evidence.status == Evidence.Status.SUBMITTED:
        raise AlreadyDone(f"Evidence {evidence.reference} has already been submitted; nothing more to do.", evidence)
    _require_editable(actor, evidence)
    learners_own = is_learner(actor, evidence.registration) and evidence.author_id == actor.pk
    if learners_own and not declaration:
        raise PortfolioError("Confirm the declaration that this work is your own before you submit it.")
    links = list(evidence.links.values_list("criterion__unit_id", flat=True))
    if not links:
        raise PortfolioError("Link the evidence to at least one criterion before you submit it.")
    if not evidence.description.strip() and not evidence.files.exists():
        raise PortfolioError("Add a file or a written record before you submit the evidence.")
    require_unlocked(evidence.registration, links)
    now = timezone.now()
    evidence.status = Evidence.Status.SUBMITTED
    evidence.submitted_at = now
    if learners_own:
        evidence.declared_own_work_at = now
    evidence.save(update_fields=["status", "submitted_at", "declared_own_work_at"])
    _event(
        "evidence.submitted",
        evidence,
        actor,
        f"Submitted evidence {evidence.reference} for assessment",
        declared_own_work=learners_own,
        links=len(links),
    )
    return evidence


def _criteria_resting_on(evidence: Evidence) -> list[str]:
    """Criteria marked met for which this evidence holds the only accepted link of current evidence."""
    accepted = list(evidence.links.filter(status=EvidenceLink.Status.ACCEPTED).select_related("criterion__unit"))
    if not accepted:
        return []
    met = set(
        CriterionDecision.objects.filter(
            registration_id=evidence.registration_id,
            criterion_id__in=[link.criterion_id for link in accepted],
            is_met=True,
        ).values_list("criterion_id", flat=True)
    )
    others = set(
        EvidenceLink.objects.counting()
        .filter(criterion_id__in=met, evidence__registration_id=evidence.registration_id)
        .exclude(evidence=evidence)
        .values_list("criterion_id", flat=True)
    )
    return [
        f"{link.criterion.unit.reference} {link.criterion.code}"
        for link in accepted
        if link.criterion_id in met and link.criterion_id not in others
    ]


@transaction.atomic
def withdraw_evidence(*, actor, evidence: Evidence, reason: str) -> Evidence:
    """Withdraw evidence: it stays in the portfolio and its history, no longer counts, and its reference is
    never given to other evidence."""
    evidence = _lock_evidence(evidence)
    if evidence.status == Evidence.Status.WITHDRAWN:
        raise AlreadyDone(f"Evidence {evidence.reference} has already been withdrawn.", evidence)
    registration = evidence.registration
    require_active(registration)
    require(
        can_edit_evidence(actor, evidence) or is_assessor(actor, registration),
        "Only the learner who made this evidence or their assessor may withdraw it.",
    )
    reason = (reason or "").strip()
    if not reason:
        raise PortfolioError("Say why the evidence is being withdrawn.")
    require_unlocked(registration, evidence_unit_ids(evidence))
    resting = _criteria_resting_on(evidence)
    if resting:
        raise PortfolioError(
            f"{', '.join(resting)} {'is' if len(resting) == 1 else 'are'} marked met on this evidence alone; "
            "the assessor must unmark it first."
        )
    evidence.status = Evidence.Status.WITHDRAWN
    evidence.withdrawn_at = timezone.now()
    evidence.withdrawn_by = actor
    evidence.withdrawal_reason = reason
    evidence.save(update_fields=["status", "withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    _event("evidence.withdrawn", evidence, actor, f"Withdrew evidence {evidence.reference}: {reason}", reason=reason)
    return evidence


def _refuse_second_version(evidence: Evidence) -> None:
    newer = Evidence.objects.filter(supersedes=evidence).first()
    if newer is not None:
        raise AlreadyDone(f"Version {newer.version} of evidence {evidence.reference} already exists.", newer)


def new_version(
    *,
    actor,
    evidence: Evidence,
    title: str | None = None,
    date: dt.date | None = None,
    description: str | None = None,
    methods: Iterable | None = None,
    location: str | None = None,
    files: Sequence = (),
    keep_files: bool = False,
    simulation_reason: str | None = None,
) -> Evidence:
    """Replace rejected evidence with a new draft version under the same reference. The earlier version stays,
    with its judgements, in the history; its links are put forward again, awaiting review."""
    _refuse_second_version(evidence)
    _require_editable(actor, evidence)
    title = _clean_title(evidence.title if title is None else title)
    date = _clean_date(evidence.date if date is None else date)
    previous_methods = list(evidence.methods.all())
    methods = _clean_methods(previous_methods if methods is None else methods)
    _check_methods_for(actor, evidence.registration, methods, already=previous_methods)
    simulation_reason = _clean_simulation_reason(
        methods, evidence.simulation_reason if simulation_reason is None else simulation_reason
    )
    description = _clean_description(evidence.description if description is None else description)
    location = _clean_location(evidence.location if location is None else location)
    prepared = prepare_all(files)
    try:
        with StoredFiles() as saver, transaction.atomic():
            old = _lock_evidence(evidence)
            _refuse_second_version(old)
            _require_editable(actor, old)
            if (
                old.status != Evidence.Status.SUBMITTED
                or not old.links.filter(status=EvidenceLink.Status.REJECTED).exists()
            ):
                raise PortfolioError("A new version can be added only when the assessor has rejected the evidence.")
            links = list(old.links.select_related("criterion__unit"))
            require_unlocked(old.registration, {link.criterion.unit_id for link in links})
            if simulation_reason:
                refuse_simulation_where_workplace_required(link.criterion for link in links)
            old.is_current = False
            old.save(update_fields=["is_current"])
            new = Evidence.objects.create(
                registration=old.registration,
                reference=old.reference,
                version=old.version + 1,
                supersedes=old,
                title=title,
                date=date,
                description=description,
                language=old.language,
                location=location,
                author=old.author,
                author_label=old.author_label,
                simulation_reason=simulation_reason,
            )
            new.methods.set(methods)
            EvidenceLink.objects.bulk_create([EvidenceLink(evidence=new, criterion=link.criterion) for link in links])
            kept = []
            if keep_files:
                for file in old.files.all():
                    file.pk = None
                    file.evidence = new
                    file.save()
                    kept.append(file.original_name)
            stored = _store(saver, new, prepared, actor)
            _event(
                "evidence.new_version",
                new,
                actor,
                f"Added version {new.version} of evidence {new.reference}",
                replaces_version=old.version,
                methods=[method.code for method in methods],
                simulation_reason=simulation_reason,
                location=location,
                files=[file.original_name for file in stored],
                kept_files=kept,
            )
    finally:
        for item in prepared:
            item.close()
    return new


@transaction.atomic
def save_links(
    *, actor, evidence: Evidence, criterion_ids: Iterable, submit: bool = False, declaration: bool = False
) -> tuple[int, int]:
    """The picker's answer: link exactly the chosen criteria (judged links always stay), then submit if asked.
    All or nothing."""
    chosen = set()
    for raw in criterion_ids:
        criterion_id = parse_id(raw)
        if criterion_id is None:
            raise PortfolioError("One of the chosen criteria is not on this learner's plan; nothing was changed.")
        chosen.add(criterion_id)
    existing = dict(evidence.links.values_list("criterion_id", "status"))
    judged = {pk for pk, status in existing.items() if status != EvidenceLink.Status.PENDING}
    add = chosen - set(existing)
    remove = set(existing) - chosen - judged
    added, removed = link_criteria(actor=actor, evidence=evidence, add=sorted(add), remove=sorted(remove))
    if submit:
        submit_evidence(actor=actor, evidence=evidence, declaration=declaration)
    return added, removed
