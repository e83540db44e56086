"""Builders for quality tests: portfolio rows made directly (not through the portfolio services), sign-off
through tracking's service, and plans and samples through ours."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

from django.test import Client
from django.utils import timezone

from centres.models import Role
from portfolio.models import CriterionDecision, EqaShare, Evidence, EvidenceLink
from portfolio.progress import unit_statuses
from qualifications.models import AssessmentMethod, Unit
from quality.forms import academic_year
from quality.models import Outcome, SampleKind
from quality.services.eqa import ShareItemInput, share_with_eqa
from quality.services.plans import create_plan
from quality.services.samples import ActionInput, record_sample, review_units
from tests.factories import client_for, make_registration, make_staff
from tracking.models import Signature, SignatureRole, UnitSignOff
from tracking.services.signoff import sign_unit


def units_of(registration) -> list[Unit]:
    return [status.unit for status in unit_statuses(registration)]


def _next_reference(registration) -> int:
    last = Evidence.objects.filter(registration=registration).order_by("-reference").first()
    return (last.reference + 1) if last else 1


def add_evidence(registration, criteria, *, methods=("Obs",), judged_by=None, status=EvidenceLink.Status.ACCEPTED):
    evidence = Evidence.objects.create(
        registration=registration,
        reference=_next_reference(registration),
        title="Observation of a customer conversation",
        date=dt.date(2026, 1, 15),
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
            judged_by=None if status == EvidenceLink.Status.PENDING else judge,
            judged_at=None if status == EvidenceLink.Status.PENDING else timezone.now(),
        )
    return evidence


def required_criteria(registration, unit):
    [status] = unit_statuses(registration, [unit])
    return [criterion_status.criterion for criterion_status in status.criteria if criterion_status.required]


def start_unit(registration, unit, *, count=2, methods=("Obs",), by=None, **decision_extra):
    """Work in progress: accepted evidence and met decisions on the first `count` criteria of the unit."""
    criteria = required_criteria(registration, unit)[:count]
    add_evidence(registration, criteria, methods=methods, judged_by=by)
    for criterion in criteria:
        CriterionDecision.objects.create(
            registration=registration,
            criterion=criterion,
            met_on=dt.date(2026, 2, 1),
            decided_by=by or registration.assessor,
            **decision_extra,
        )
    return criteria


def complete_unit(registration, unit, *, methods=("Obs", "Q"), by=None):
    """Every required criterion met on accepted evidence (one piece of evidence for the whole unit)."""
    criteria = required_criteria(registration, unit)
    add_evidence(registration, criteria, methods=methods, judged_by=by)
    for criterion in criteria:
        CriterionDecision.objects.create(
            registration=registration,
            criterion=criterion,
            met_on=dt.date(2026, 2, 1),
            decided_by=by or registration.assessor,
        )


def sign_off(registration, unit, *, countersigner=None):
    """The learner and the assessor (and a countersignatory when given) sign the unit, through tracking."""
    sign_unit(registration=registration, unit=unit, user=registration.learner, role=SignatureRole.LEARNER)
    sign_unit(registration=registration, unit=unit, user=registration.assessor, role=SignatureRole.ASSESSOR)
    if countersigner is not None:
        sign_unit(registration=registration, unit=unit, user=countersigner, role=SignatureRole.COUNTERSIGNER)


def complete_and_sign(registration, unit, **kwargs):
    complete_unit(registration, unit, methods=kwargs.pop("methods", ("Obs", "Q")))
    sign_off(registration, unit, **kwargs)


def fake_signed_units(assessor, centre, qualification, count: int):
    """`count` units signed by the assessor on the qualification (their experience), without whole portfolios:
    live assessor signatures on learners of another IQA (so outside the world IQA's plan)."""
    elsewhere = make_staff(centre, Role.IQA)
    for _ in range(count):
        registration = make_registration(centre, assessor=assessor, iqa=elsewhere, qualification=qualification)
        unit = registration.units.first()
        sign_off_row = UnitSignOff.objects.create(registration=registration, unit=unit)
        Signature.objects.create(
            sign_off=sign_off_row,
            role=SignatureRole.ASSESSOR,
            user=assessor,
            name_at_signing=assessor.full_name,
            content_hash="0" * 64,
        )


def make_plan(world, *, qualification=None, iqa=None, locations="Training centre\nWorkplace"):
    start, end = academic_year(timezone.localdate())
    return create_plan(
        actor=iqa or world.iqa,
        centre=world.centre,
        qualification=qualification or world.registration.qualification,
        period_start=start,
        period_end=end,
        locations=locations,
    )


def take_sample(
    plan,
    registration,
    unit,
    *,
    kind=SampleKind.INTERIM,
    outcome=Outcome.AGREE,
    iqa=None,
    location="Workplace",
    actions=None,
    feedback="Clear, fair decisions.",
):
    iqa = iqa or plan.iqa
    [review] = review_units(registration=registration, kind=kind, iqa=iqa, units=[unit])
    outcomes = {item.key: outcome for item in review.open_items}
    if outcome == Outcome.AGREE_WITH_ACTIONS and actions is None:
        actions = [ActionInput("Add detail to the feedback.", timezone.localdate() + dt.timedelta(days=7))]
    return record_sample(
        actor=iqa,
        plan=plan,
        registration=registration,
        kind=kind,
        unit_ids=[unit.pk],
        outcomes=outcomes,
        location=location,
        feedback=feedback,
        actions=actions or [],
    )


def other_centre_iqa(world):
    return make_staff(world.other_centre, Role.IQA)


def share(world, registration, *, days=30):
    return share_with_eqa(
        actor=world.admin,
        centre=world.centre,
        eqa=world.eqa,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + dt.timedelta(days=days),
        items=[ShareItemInput(registration)],
    )


def expire(share_row):
    EqaShare.objects.filter(pk=share_row.pk).update(
        starts_on=timezone.localdate() - dt.timedelta(days=40), ends_on=timezone.localdate() - dt.timedelta(days=1)
    )


def status(user, url, method="get", data=None):

    client = client_for(user) if user is not None else Client()
    response = getattr(client, method)(url, data or {})
    return response.status_code


def share_units(world, registration, units, *, days=30):
    return share_with_eqa(
        actor=world.admin,
        centre=world.centre,
        eqa=world.eqa,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + dt.timedelta(days=days),
        items=[ShareItemInput(registration, unit) for unit in units],
    )


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def links_in(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.links
