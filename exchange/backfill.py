"""Chains for registrations recorded before the ledger existed: every file, evidence version, link, judgement,
decision, countersignature, signature and IQA sample already stored, appended in a stable order (when it happened,
then kind, then id). Registrations that already have a chain are left alone, so running it again adds nothing."""

from __future__ import annotations

from django.db import transaction

from apprenticeships.models import OtjEntry
from apprenticeships.models import Signature as ReviewSignature
from ledger.models import ChainHead
from ledger.services import record
from observations.models import RecordSignature
from planning.models import PlanSignature
from portfolio.models import CriterionDecision, Evidence, EvidenceFile, EvidenceLink, Registration
from quality.models import SampleRecord
from tracking.models import Signature, SignatureRole

ORDER = ["evidence_file", "evidence_version", "link", "judgement", "decision", "countersignature", "signature",
         "signature_voided", "iqa_sample", "plan_signature", "record_signature", "review_signature", "otj_entry",
         "otj_verified"]  # fmt: skip


def _items(registration: Registration) -> list[tuple]:
    items = []
    for file in EvidenceFile.objects.filter(evidence__registration=registration).select_related("evidence"):
        items.append((file.uploaded_at, "evidence_file", file.pk, file))
    for evidence in Evidence.objects.filter(registration=registration).exclude(status=Evidence.Status.DRAFT):
        items.append((evidence.submitted_at or evidence.created_at, "evidence_version", evidence.pk, evidence))
    links = EvidenceLink.objects.filter(evidence__registration=registration).select_related(
        "evidence", "criterion__unit", "judged_by", "countersigned_by"
    )
    for link in links:
        items.append((link.created_at, "link", link.pk, link))
        if link.judged_at or link.status != EvidenceLink.Status.PENDING:
            items.append((link.judged_at or link.created_at, "judgement", link.pk, link))
        if link.countersigned_at:
            items.append((link.countersigned_at, "countersignature", link.pk, link))
    decisions = CriterionDecision.objects.filter(registration=registration).select_related(
        "criterion__unit", "decided_by", "countersigned_by"
    )
    for decision in decisions:
        items.append((decision.decided_at, "decision", decision.pk, decision))
        if decision.countersigned_at:
            items.append((decision.countersigned_at, "countersignature", decision.pk, decision))
    for signature in Signature.objects.filter(sign_off__registration=registration).select_related("sign_off__unit"):
        kind = "eqa_signature" if signature.role == SignatureRole.EQA else "signature"
        items.append((signature.signed_at, kind, signature.pk, signature))
        if signature.voided_at:
            items.append((signature.voided_at, "signature_voided", signature.pk, signature))
    for sample in SampleRecord.objects.filter(registration=registration).select_related("iqa"):
        items.append((sample.sampled_at, "iqa_sample", sample.pk, sample))
    # Signed by the apps above the portfolio (planning, observations, apprenticeships), as their services record.
    for plan_signature in PlanSignature.objects.filter(version__plan__registration=registration).select_related(
        "version__plan"
    ):
        items.append((plan_signature.signed_at, "plan_signature", plan_signature.pk, plan_signature))
    for record_signature in RecordSignature.objects.filter(record__registration=registration).select_related(
        "record__evidence"
    ):
        items.append((record_signature.signed_at, "record_signature", record_signature.pk, record_signature))
    review_signatures = ReviewSignature.objects.filter(review__apprenticeship__registration=registration)
    for review_signature in review_signatures.select_related("review__apprenticeship"):
        items.append((review_signature.signed_at, "review_signature", review_signature.pk, review_signature))
    otj_entries = OtjEntry.objects.filter(apprenticeship__registration=registration).select_related(
        "apprenticeship", "recorded_by", "verified_by"
    )
    for entry in otj_entries.prefetch_related("criteria__unit"):
        items.append((entry.recorded_at, "otj_entry", entry.pk, entry))
        if entry.verified_at:
            items.append((entry.verified_at, "otj_verified", entry.pk, entry))
    rank = {kind: index for index, kind in enumerate(ORDER)}
    rank["eqa_signature"] = rank["signature"]
    return sorted(items, key=lambda item: (item[0], rank[item[1]], item[2]))


def backfill(registrations=None) -> dict[int, int]:
    """Write the chain of each registration that has none yet; returns {registration id: entries written}."""
    started = set(ChainHead.objects.values_list("registration_id", flat=True))
    written = {}
    for registration in (registrations or Registration.objects.order_by("pk")).iterator():
        if registration.pk in started:
            continue
        with transaction.atomic():
            items = _items(registration)
            for _, kind, _, obj in items:
                record(kind, obj)
        written[registration.pk] = len(items)
    return written
