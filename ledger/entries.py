"""What each kind of chain entry records, read from the object the service above has just saved.

The objects are the apps' own models (an EvidenceFile, a Signature...), read by attribute only: the ledger sits
below them and does not import them. The live services and the backfill (`manage.py backfill_ledger`) describe
objects through these same functions, so an entry says the same whenever it was written."""

from __future__ import annotations

from collections.abc import Callable


def _name(user) -> str:
    return str(user) if user is not None else ""


def _criterion(criterion) -> str:
    return f"{criterion.unit.reference} {criterion.code}"


def evidence_file(file):
    evidence = file.evidence
    return (
        evidence.registration_id,
        f"evidence-file:{file.pk}",
        {
            "evidence": evidence.reference,
            "version": evidence.version,
            "file_id": file.pk,
            "name": file.original_name,
            "content_type": file.content_type,
            "size": file.size,
            "sha256": file.sha256,
            "uploaded_at": file.uploaded_at,
        },
    )


def evidence_version(evidence):
    return (
        evidence.registration_id,
        f"evidence:{evidence.pk}",
        {
            "evidence": evidence.reference,
            "version": evidence.version,
            "title": evidence.title,
            "date": evidence.date,
            "description": evidence.description,
            "location": evidence.location,
            "language": evidence.language,
            "methods": sorted(method.code for method in evidence.methods.all()),
            "author": _name(evidence.author) or evidence.author_label,
            "submitted_at": evidence.submitted_at,
            "files": [file.sha256 for file in evidence.files.all()],
        },
    )


def _link_facts(link) -> dict:
    return {
        "evidence": link.evidence.reference,
        "version": link.evidence.version,
        "criterion": _criterion(link.criterion),
        "criterion_id": link.criterion_id,
    }


def link(link):
    return link.evidence.registration_id, f"link:{link.pk}", _link_facts(link)


def judgement(link):
    facts = _link_facts(link) | {
        "status": link.status,
        "feedback": link.feedback,
        "judged_by": _name(link.judged_by),
        "judged_at": link.judged_at,
        "countersign_status": link.countersign_status,
    }
    return link.evidence.registration_id, f"link:{link.pk}", facts


def decision(decision):
    return (
        decision.registration_id,
        f"decision:{decision.pk}",
        {
            "criterion": _criterion(decision.criterion),
            "criterion_id": decision.criterion_id,
            "is_met": decision.is_met,
            "met_on": decision.met_on,
            "decided_by": _name(decision.decided_by),
            "decided_at": decision.decided_at,
            "countersign_status": decision.countersign_status,
        },
    )


def countersignature(obj):
    """A countersignatory's confirmation or overturning of a link's judgement or a criterion decision."""
    registration_id, ref, facts = judgement(obj) if hasattr(obj, "evidence_id") else decision(obj)
    facts |= {
        "countersigned_by": _name(obj.countersigned_by),
        "countersigned_at": obj.countersigned_at,
        "note": obj.countersign_note,
    }
    return registration_id, ref, facts


def signature(signature):
    sign_off = signature.sign_off
    return (
        sign_off.registration_id,
        f"signature:{signature.pk}",
        {
            "unit": sign_off.unit.reference,
            "role": signature.role,
            "name": signature.name_at_signing,
            "signed_at": signature.signed_at,
            "sheet_hash": signature.content_hash,
            "voided_at": signature.voided_at,
            "void_reason": signature.void_reason,
        },
    )


def iqa_sample(sample):
    return (
        sample.registration_id,
        f"iqa-sample:{sample.pk}",
        {
            "kind": sample.kind,
            "iqa": _name(sample.iqa),
            "outcome": sample.outcome,
            "feedback": sample.feedback,
            "status": sample.status,
            "units": sorted(unit.unit.reference for unit in sample.units.all()),
            "sampled_at": sample.sampled_at,
        },
    )


def plan_signature(signature):
    """A signature of an assessment plan's version (planning)."""
    version = signature.version
    return (
        version.plan.registration_id,
        f"plan-signature:{signature.pk}",
        {
            "plan": version.plan.title,
            "plan_id": version.plan_id,
            "version": version.number,
            "role": signature.role,
            "name": signature.name_at_signing,
            "signed_at": signature.signed_at,
            "content_hash": signature.content_hash,
        },
    )


def record_signature(signature):
    """A learner's or witness's signature of an observation record (observations)."""
    record = signature.record
    return (
        record.registration_id,
        f"record-signature:{signature.pk}",
        {
            "evidence": record.evidence.reference,
            "record": record.kind,
            "role": signature.role,
            "how": signature.how,
            "name": signature.name,
            "signed_at": signature.signed_at,
            "content_hash": signature.content_hash,
        },
    )


def review_signature(signature):
    """A signature of an apprenticeship's progress review (learner, provider or employer)."""
    review = signature.review
    return (
        review.apprenticeship.registration_id,
        f"review-signature:{signature.pk}",
        {
            "review_id": review.pk,
            "due_on": review.due_on,
            "held_on": review.held_on,
            "role": signature.role,
            "name": signature.signed_name,
            "signed_at": signature.signed_at,
            "content_hash": signature.content_hash,
        },
    )


def otj_entry(entry):
    """An off-the-job training entry, as recorded and, once verified, as verified."""
    return (
        entry.apprenticeship.registration_id,
        f"otj:{entry.pk}",
        {
            "date": entry.date,
            "hours": str(entry.hours),
            "activity_type": entry.activity_type,
            "description": entry.description,
            "criteria": sorted(f"{c.unit.reference} {c.code}" for c in entry.criteria.all()),
            "recorded_by": _name(entry.recorded_by),
            "recorded_at": entry.recorded_at,
            "verified_by": _name(entry.verified_by),
            "verified_at": entry.verified_at,
        },
    )


KINDS: dict[str, Callable] = {
    "evidence_file": evidence_file,
    "evidence_version": evidence_version,
    "link": link,
    "unlink": link,
    "judgement": judgement,
    "decision": decision,
    "countersignature": countersignature,
    "signature": signature,
    "signature_voided": signature,
    "eqa_signature": signature,
    "iqa_sample": iqa_sample,
    "plan_signature": plan_signature,
    "record_signature": record_signature,
    "review_signature": review_signature,
    "otj_entry": otj_entry,
    "otj_verified": otj_entry,
}

LABELS = {
    "evidence_file": "Evidence file",
    "evidence_version": "Evidence version",
    "link": "Link to a criterion",
    "unlink": "Link removed",
    "judgement": "Judgement",
    "decision": "Criterion decision",
    "countersignature": "Countersignature",
    "signature": "Sheet signature",
    "signature_voided": "Signature voided",
    "eqa_signature": "EQA signature",
    "iqa_sample": "IQA sample",
    "imported": "Imported from another centre",
    "plan_signature": "Assessment plan signature",
    "record_signature": "Observation record signature",
    "review_signature": "Progress review signature",
    "otj_entry": "Off-the-job training entry",
    "otj_verified": "Off-the-job training verified",
}


def describe(kind: str, obj):
    """(registration id, object ref, content) of `obj` recorded as `kind`."""
    try:
        describer = KINDS[kind]
    except KeyError:
        raise ValueError(f"Unknown kind of chain entry: {kind}") from None
    return describer(obj)
