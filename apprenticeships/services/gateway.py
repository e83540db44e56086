"""The end-point assessment gateway checklist: every unit signed off, the OTJ minimum met, English and maths evidence
recorded, the employer's confirmation and the learner's declaration. The first two are read from the portfolio and
the OTJ log; the other three are recorded here, each once, in the audit history."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from centres.models import record_event
from portfolio.services.checks import is_learner
from tracking.sheets import build_sheets

from ..models import Apprenticeship, GatewayChecklist
from ..selectors import otj_actual_hours
from . import ApprenticeshipError, is_provider, require, require_active


@dataclass(frozen=True)
class GatewayItem:
    key: str
    label: str
    met: bool
    detail: str


def _checklist(apprenticeship: Apprenticeship) -> GatewayChecklist:
    checklist, _created = GatewayChecklist.objects.select_for_update().get_or_create(apprenticeship=apprenticeship)
    return checklist


def gateway_items(apprenticeship: Apprenticeship) -> list[GatewayItem]:
    registration = apprenticeship.registration
    sheets = build_sheets(registration, methods=[])
    signed = sum(1 for sheet in sheets if sheet.state.signed_off and not sheet.state.content_changed)
    actual = otj_actual_hours(apprenticeship)
    target = apprenticeship.otj_target_hours
    checklist = GatewayChecklist.objects.filter(apprenticeship=apprenticeship).first() or GatewayChecklist()
    return [
        GatewayItem(
            "units",
            _("Every unit signed off"),
            bool(sheets) and signed == len(sheets),
            _("%(signed)s of %(total)s") % {"signed": signed, "total": len(sheets)},
        ),
        GatewayItem(
            "otj",
            _("Off-the-job training minimum met"),
            actual >= target,
            _("%(actual)s of %(target)s hours") % {"actual": actual, "target": target},
        ),
        GatewayItem(
            "english_maths",
            _("English and maths evidence recorded"),
            bool(checklist.english_maths_recorded_at),
            checklist.english_maths_evidence,
        ),
        GatewayItem(
            "employer",
            _("The employer's confirmation"),
            bool(checklist.employer_confirmed_at),
            f"{checklist.employer_confirmed_by} {checklist.employer_confirmed_at:%d/%m/%Y}"
            if checklist.employer_confirmed_at
            else "",
        ),
        GatewayItem(
            "learner",
            _("The learner's declaration"),
            bool(checklist.learner_declared_at),
            f"{checklist.learner_declared_at:%d/%m/%Y}" if checklist.learner_declared_at else "",
        ),
    ]


@transaction.atomic
def record_english_maths(*, actor, apprenticeship: Apprenticeship, evidence: str) -> GatewayChecklist:
    registration = apprenticeship.registration
    require(is_provider(actor, registration), _("Only the learner's assessor or a centre admin record this."))
    require_active(registration)
    evidence = (evidence or "").strip()
    if not evidence:
        raise ApprenticeshipError(_("Say what English and maths evidence is held (certificates, results, exemptions)."))
    checklist = _checklist(apprenticeship)
    if checklist.english_maths_recorded_at is not None:
        raise ApprenticeshipError(_("English and maths evidence is already recorded."))
    checklist.english_maths_evidence = evidence[:2000]
    checklist.english_maths_recorded_by = actor
    checklist.english_maths_recorded_at = timezone.now()
    checklist.save()
    record_event(
        action="apprenticeship.gateway_english_maths",
        obj=checklist,
        actor=actor,
        centre=registration.centre,
        registration_id=registration.pk,
        summary="English and maths evidence recorded for the gateway",
        evidence=checklist.english_maths_evidence,
    )
    return checklist


@transaction.atomic
def confirm_by_employer(*, actor, apprenticeship: Apprenticeship, ip_address: str | None) -> GatewayChecklist:
    registration = apprenticeship.registration
    require(
        apprenticeship.employer.contacts.active().filter(user=actor).exists(),
        _("Only a contact of the apprentice's employer confirms."),
    )
    require_active(registration)
    checklist = _checklist(apprenticeship)
    if checklist.employer_confirmed_at is not None:
        raise ApprenticeshipError(_("The employer has already confirmed."))
    checklist.employer_confirmed_by = actor
    checklist.employer_confirmed_at = timezone.now()
    checklist.employer_confirmed_ip = ip_address or None
    checklist.save()
    record_event(
        action="apprenticeship.gateway_employer_confirmed",
        obj=checklist,
        actor=actor,
        centre=registration.centre,
        registration_id=registration.pk,
        summary=f"{actor.full_name} confirmed for {apprenticeship.employer.name} that the apprentice is ready",
        ip_address=ip_address or "",
    )
    return checklist


@transaction.atomic
def declare_by_learner(*, actor, apprenticeship: Apprenticeship, ip_address: str | None) -> GatewayChecklist:
    registration = apprenticeship.registration
    require(is_learner(actor, registration), _("Only the learner makes the learner's declaration."))
    require_active(registration)
    checklist = _checklist(apprenticeship)
    if checklist.learner_declared_at is not None:
        raise ApprenticeshipError(_("You have already made the declaration."))
    checklist.learner_declared_at = timezone.now()
    checklist.learner_declared_ip = ip_address or None
    checklist.save()
    record_event(
        action="apprenticeship.gateway_learner_declared",
        obj=checklist,
        actor=actor,
        centre=registration.centre,
        registration_id=registration.pk,
        summary="The learner declared they are ready for the end-point assessment",
        ip_address=ip_address or "",
    )
    return checklist
