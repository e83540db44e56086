"""Small builders of portfolio rows for tracking tests (created directly, not through the portfolio services)."""

import datetime as dt

from portfolio.models import CriterionDecision, EqaShare, EqaShareItem, Evidence, EvidenceLink
from portfolio.progress import unit_status
from qualifications.models import AssessmentMethod, Unit


def next_reference(registration) -> int:
    last = Evidence.objects.filter(registration=registration).order_by("-reference").first()
    return (last.reference + 1) if last else 1


def add_evidence(
    registration,
    criteria,
    *,
    reference=None,
    methods=("Obs",),
    status=EvidenceLink.Status.ACCEPTED,
    judged_by=None,
    title=None,
    date=dt.date(2026, 1, 15),
):
    reference = reference or next_reference(registration)
    evidence = Evidence.objects.create(
        registration=registration,
        reference=reference,
        title=title or f"Evidence {reference}",
        date=date,
        author=registration.learner,
        status=Evidence.Status.SUBMITTED,
    )
    evidence.methods.set(AssessmentMethod.objects.filter(code__in=methods))
    judge = judged_by or registration.assessor
    for criterion in criteria:
        EvidenceLink.objects.create(
            evidence=evidence,
            criterion=criterion,
            status=status,
            judged_by=judge if status != EvidenceLink.Status.PENDING else None,
        )
    return evidence


def new_version(evidence, *, title=None):
    """A new current version of a piece of evidence, with the same links (as the portfolio would make)."""
    evidence.is_current = False
    evidence.save(update_fields=["is_current"])
    newer = Evidence.objects.create(
        registration=evidence.registration,
        reference=evidence.reference,
        version=evidence.version + 1,
        supersedes=evidence,
        title=title or evidence.title,
        date=evidence.date,
        author=evidence.author,
        status=Evidence.Status.SUBMITTED,
    )
    newer.methods.set(evidence.methods.all())
    for link in evidence.links.all():
        EvidenceLink.objects.create(
            evidence=newer, criterion=link.criterion, status=link.status, judged_by=link.judged_by
        )
    return newer


def mark_met(registration, criterion, *, by=None, met_on=dt.date(2026, 2, 1), **extra):
    return CriterionDecision.objects.create(
        registration=registration,
        criterion=criterion,
        met_on=met_on,
        decided_by=by or registration.assessor,
        **extra,
    )


def complete_unit(registration, unit, *, by=None, methods_cycle=(("Obs", "Q"), ("PE",), ("WT", "RA"))):
    """Accepted evidence for, and a met decision on, every required criterion of the unit (one evidence per LO)."""
    status = unit_status(registration, unit)
    evidence = []
    for index, outcome in enumerate(status.outcomes):
        required = [c.criterion for c in outcome.criteria if c.required]
        if not required:
            continue
        evidence.append(
            add_evidence(registration, required, methods=methods_cycle[index % len(methods_cycle)], judged_by=by)
        )
        for offset, criterion in enumerate(required):
            mark_met(registration, criterion, by=by, met_on=dt.date(2026, 2, 1 + (offset % 27)))
    return evidence


def first_unit(registration) -> Unit:
    return unit_status_units(registration)[0]


def unit_status_units(registration):
    from portfolio.progress import unit_statuses

    return [status.unit for status in unit_statuses(registration)]


def share_with_eqa(world, registration, unit=None, *, days=30):
    today = dt.date.today()
    share = EqaShare.objects.create(
        centre=registration.centre,
        eqa=world.eqa,
        starts_on=today - dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=days),
        created_by=world.admin,
    )
    EqaShareItem.objects.create(share=share, registration=registration, unit=unit)
    return share
