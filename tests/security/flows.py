"""Walk a unit through the real services: evidence, links, judgements, decisions and signatures."""

import datetime as dt

from django.utils import timezone

from portfolio.models import EvidenceLink
from portfolio.services.checks import allowed_criteria
from portfolio.services.evidence import create_evidence, save_links
from portfolio.services.judgement import judge_link, mark_criterion_met
from qualifications.models import AssessmentMethod
from tracking.models import SignatureRole
from tracking.services.signoff import sign_unit
from tracking.sheets import build_sheet


def criteria_of(registration, unit) -> list:
    return [c for c in allowed_criteria(registration).values() if c.unit_id == unit.pk]


def evidence_for_unit(registration, unit, *, title="Observation record", files=()):
    """Submitted evidence linked to every required criterion of the unit, accepted and marked met."""
    learner = registration.learner
    evidence = create_evidence(
        actor=learner,
        registration=registration,
        title=title,
        date=timezone.localdate() - dt.timedelta(days=1),
        methods=list(AssessmentMethod.objects.filter(code__in=["PE", "RA"])),
        description="I dealt with three customer complaints and recorded each in the log.",
        files=files,
    )
    save_links(
        actor=learner,
        evidence=evidence,
        criterion_ids=[c.pk for c in criteria_of(registration, unit)],
        submit=True,
        declaration=True,
    )
    return evidence


def meet_unit(registration, unit, *, assessor=None):
    assessor = assessor or registration.assessor
    evidence = evidence_for_unit(registration, unit)
    for link in EvidenceLink.objects.filter(evidence=evidence):
        judge_link(actor=assessor, link=link, accepted=True, feedback="Meets the criterion.")
    for criterion in criteria_of(registration, unit):
        mark_criterion_met(actor=assessor, registration=registration, criterion=criterion)
    return evidence


def sign(registration, unit, user, role):
    content_hash = build_sheet(registration, unit).state.content_hash
    return sign_unit(registration=registration, unit=unit, user=user, role=role, expected_hash=content_hash)


def sign_off_unit(registration, unit):
    """Evidence met and signed by the learner and the assessor: the unit is locked."""
    evidence = meet_unit(registration, unit)
    sign(registration, unit, registration.learner, SignatureRole.LEARNER)
    sign(registration, unit, registration.assessor, SignatureRole.ASSESSOR)
    return evidence
