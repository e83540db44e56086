"""Who may be ready to claim, found in SQL so that a centre's count or page never works out every learner's
certification status, and the awarding body's claims CSV."""

from __future__ import annotations

import io

from django.db.models import Exists, OuterRef

from core.spreadsheets import SafeCsvWriter
from portfolio.models import Registration, RegistrationUnit
from portfolio.progress.carried import not_carried
from tracking.models import Signature, SignatureRole

from ..models import CertificationClaim
from .certification import CertificationState, CertificationStatus, certification_status

CSV_HEADER = [
    "Centre number",
    "Centre",
    "Learner",
    "Date of birth",
    "ULN",
    "Awarding body registration number",
    "Qualification number",
    "Qualification",
    "Pathway",
    "Claim",
    "Units",
]


def export_claims_csv(statuses: list[CertificationStatus]) -> str:
    """The ready learners (full claims) and withdrawn learners with signed-off units (unit claims), as CSV."""
    out = io.StringIO()
    writer = SafeCsvWriter(out)
    writer.writerow(CSV_HEADER)
    for status in statuses:
        if status.state == CertificationState.READY:
            kind, units = "Full qualification", status.units
        elif status.state == CertificationState.LEFT_EARLY and status.signed_off:
            kind, units = "Unit certification", status.signed_off
        else:
            continue
        registration = status.registration
        writer.writerow(
            [
                registration.centre.centre_number,
                registration.centre.name,
                registration.learner.full_name,
                registration.date_of_birth.isoformat(),
                registration.uln,
                registration.awarding_body_registration_number,
                registration.qualification.number,
                registration.qualification.title,
                registration.pathway.name if registration.pathway else "",
                kind,
                "; ".join(unit.reference for unit in units),
            ]
        )
    return out.getvalue()


# --- Who may be ready ---------------------------------------------------------------------------------------


def may_be_ready(registrations):
    """Those of the registrations (a queryset) not claimed, not withdrawn, and with no planned unit left unsigned:
    every unit has a live assessor's signature or may be carried over. A superset of the ready ones, found in one
    query, so the full check (certification_status) runs only on the few near the end, not on a whole centre."""
    unsigned_unit = not_carried(RegistrationUnit.objects.filter(registration_id=OuterRef("pk"))).exclude(
        Exists(
            Signature.objects.live().filter(
                role=SignatureRole.ASSESSOR,
                sign_off__registration_id=OuterRef("registration_id"),
                sign_off__unit_id=OuterRef("unit_id"),
            )
        )
    )
    return unclaimed(registrations).exclude(Exists(unsigned_unit))


def unclaimed(registrations):
    """Those of the registrations with no claim and not withdrawn: each is either ready or not ready yet."""
    return registrations.exclude(status=Registration.Status.WITHDRAWN).exclude(
        Exists(CertificationClaim.objects.filter(registration_id=OuterRef("pk")))
    )


def left_early(registrations):
    """Those of the registrations withdrawn with no claim: unit certification may be claimed for them."""
    return registrations.filter(status=Registration.Status.WITHDRAWN).exclude(
        Exists(CertificationClaim.objects.filter(registration_id=OuterRef("pk")))
    )


def claimed(registrations):
    return registrations.filter(Exists(CertificationClaim.objects.filter(registration_id=OuterRef("pk"))))


def readiness_counts(registrations) -> dict[str, int]:
    """How many of the registrations (a queryset) are ready to claim and how many not yet, in a fixed number of
    queries whatever their number: the full check only for those that may be ready."""
    ready = sum(1 for status in certification_status(may_be_ready(registrations).only("pk")).values() if status.ready)
    return {
        CertificationState.READY: ready,
        CertificationState.NOT_READY: unclaimed(registrations).count() - ready,
    }
