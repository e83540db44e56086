"""Assessment plans: drawn up by the learner's assessor, signed by the learner and the assessor, revised as new
versions.

Each signature stores the SHA-256 of the version's canonical content (core.hashing) and the signer posts the hash
of what they were shown: if it differs from the content now (a stale page, a replayed request, a version since
revised), nothing is signed. A signed version is never changed; revising makes a new version, which needs new
signatures, and the old ones stay in the plan's history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from centres.access import has_role
from centres.models import Role, record_event
from core.errors import DomainError, NotAllowed
from core.hashing import content_hash
from ledger.services import record as record_in_ledger
from portfolio.models import Registration
from qualifications.models import AssessmentCriterion, AssessmentMethod

from ..models import AssessmentPlan, PlanItem, PlanSignature, PlanSignatureRole, PlanVersion, RecordedBy

CONTENT_VERSION = 1  # bump when the canonical content below changes


class PlanError(DomainError):
    """A plan rule was broken; the message says which."""


class PlanNotAllowed(PlanError, NotAllowed):
    """The person may not draw up, revise or sign this plan (a 403)."""


@dataclass
class ItemInput:
    activity: str
    criterion_ids: list[int] = field(default_factory=list)
    method_ids: list[int] = field(default_factory=list)
    recorded_by: str = RecordedBy.LEARNER
    due_on: dt.date | None = None


def _name(user) -> str:
    return user.full_name or user.email


def check_planner(registration: Registration, user) -> None:
    """Only the learner's assessor (assessing at the centre) draws up or revises their plan."""
    if user.pk != registration.assessor_id or not has_role(user, Role.ASSESSOR, registration.centre_id):
        raise PlanNotAllowed(_("Only the learner's assessor can draw up or revise their assessment plan."))


def allowed_criteria(registration: Registration):
    """Criteria a plan may target: those of the units on the learner's plan that apply on their pathway."""
    return AssessmentCriterion.objects.filter(unit__in=registration.plan.values("unit_id")).for_pathway(
        registration.pathway_id
    )


def _clean_items(registration: Registration, items: list[ItemInput]) -> list[ItemInput]:
    items = [item for item in items if (item.activity or "").strip() or item.criterion_ids]
    if not items:
        raise PlanError(_("Add at least one activity to the plan."))
    wanted = {pk for item in items for pk in item.criterion_ids}
    allowed = set(allowed_criteria(registration).filter(pk__in=wanted).values_list("pk", flat=True))
    outside = wanted - allowed
    if outside:
        codes = sorted(
            f"{c.unit.reference} {c.code}"
            for c in AssessmentCriterion.objects.filter(pk__in=outside).select_related("unit")
        )
        listed = ", ".join(codes) or "an unknown criterion"
        raise PlanError(
            f"A plan item can only target criteria of this learner's units and pathway: {listed} is not on them."
        )
    method_ids = {pk for item in items for pk in item.method_ids}
    known = set(AssessmentMethod.objects.filter(pk__in=method_ids).values_list("pk", flat=True))
    if method_ids - known:
        raise PlanError(_("Choose the assessment methods from the list."))
    for number, item in enumerate(items, start=1):
        item.activity = (item.activity or "").strip()
        if not item.activity:
            raise PlanError(_("Activity %(number)s: say what the activity is.") % {"number": number})
        if not item.criterion_ids:
            raise PlanError(_("Activity %(number)s: choose the criteria it targets.") % {"number": number})
        if not item.method_ids:
            raise PlanError(_("Activity %(number)s: choose at least one assessment method.") % {"number": number})
        if item.recorded_by not in RecordedBy.values:
            raise PlanError(_("Activity %(number)s: say who records the evidence.") % {"number": number})
        if item.due_on is None:
            raise PlanError(_("Activity %(number)s: give a due date.") % {"number": number})
    return items


def _create_version(plan: AssessmentPlan, number: int, items: list[ItemInput], user, notes: str, reason: str):
    version = PlanVersion.objects.create(
        plan=plan, number=number, notes=(notes or "").strip(), reason=reason, created_by=user
    )
    for position, item in enumerate(items, start=1):
        row = PlanItem.objects.create(
            version=version,
            position=position,
            activity=item.activity,
            recorded_by=item.recorded_by,
            due_on=item.due_on,
        )
        row.criteria.set(sorted(set(item.criterion_ids)))
        row.methods.set(sorted(set(item.method_ids)))
    return version


@transaction.atomic
def create_plan(
    *, registration: Registration, user, title: str, items: list[ItemInput], notes: str = ""
) -> PlanVersion:
    """Draw up a new plan for the registration (its version 1) and return that version."""
    check_planner(registration, user)
    if registration.status != Registration.Status.ACTIVE:
        raise PlanError(_("This registration is not active: no new plan can be drawn up."))
    title = (title or "").strip()
    if not title:
        raise PlanError(_("Give the plan a title."))
    items = _clean_items(registration, items)
    plan = AssessmentPlan.objects.create(registration=registration, title=title, created_by=user)
    version = _create_version(plan, 1, items, user, notes, "")
    record_event(
        action="assessment_plan_created",
        obj=plan,
        actor=user,
        centre=registration.centre,
        registration_id=registration.pk,
        summary=f"{_name(user)} drew up the assessment plan “{title}” ({len(items)} activities)",
        version=1,
        content_hash=version_hash(version),
    )
    return version


@transaction.atomic
def revise_plan(*, plan: AssessmentPlan, user, items: list[ItemInput], reason: str, notes: str = "") -> PlanVersion:
    """Make a new version of the plan (the current one is kept in its history, signatures and all)."""
    plan = AssessmentPlan.objects.select_for_update().select_related("registration__centre").get(pk=plan.pk)
    registration = plan.registration
    check_planner(registration, user)
    reason = (reason or "").strip()
    if not reason:
        raise PlanError(_("Say why the plan is revised."))
    items = _clean_items(registration, items)
    current = plan.versions.get(is_current=True)
    current.is_current = False
    current.save(update_fields=["is_current"])
    version = _create_version(plan, current.number + 1, items, user, notes, reason)
    record_event(
        action="assessment_plan_revised",
        obj=plan,
        actor=user,
        centre=registration.centre,
        registration_id=registration.pk,
        summary=f"{_name(user)} revised the assessment plan “{plan.title}” to version {version.number}: {reason}",
        version=version.number,
        previous_version=current.number,
        reason=reason,
        content_hash=version_hash(version),
    )
    return version


def version_content(version: PlanVersion) -> dict:
    """The canonical content of a plan version: what a signature vouches for. Read fresh from the database."""
    plan = version.plan
    items = []
    for item in version.items.prefetch_related("criteria__unit", "methods").order_by("position"):
        items.append(
            {
                "position": item.position,
                "activity": item.activity,
                "criteria": sorted(f"{c.unit.reference} {c.code}" for c in item.criteria.all()),
                "methods": sorted(m.code for m in item.methods.all()),
                "recorded_by": item.recorded_by,
                "due_on": item.due_on.isoformat(),
            }
        )
    return {
        "content_version": CONTENT_VERSION,
        "plan": plan.pk,
        "registration": plan.registration_id,
        "title": plan.title,
        "version": version.number,
        "notes": version.notes,
        "items": items,
    }


def version_hash(version: PlanVersion) -> str:
    return content_hash(version_content(version))


def signing_role(version: PlanVersion, user) -> str | None:
    registration = version.plan.registration
    if user.pk == registration.learner_id:
        return PlanSignatureRole.LEARNER
    if user.pk == registration.assessor_id and has_role(user, Role.ASSESSOR, registration.centre_id):
        return PlanSignatureRole.ASSESSOR
    return None


def check_signer(version: PlanVersion, user) -> str:
    role = signing_role(version, user)
    if role is None:
        raise PlanNotAllowed(_("Only the learner and their assessor sign the assessment plan."))
    return role


@transaction.atomic
def sign_plan(
    *, version: PlanVersion, user, expected_hash: str, ip_address: str | None = None, user_agent: str = ""
) -> PlanSignature:
    """Sign the plan version as the learner or the assessor. `expected_hash` is the content hash the signer was
    shown: if it differs from the version's content now, or the version has been revised since, nothing is signed."""
    plan = AssessmentPlan.objects.select_for_update().select_related("registration__centre").get(pk=version.plan_id)
    version = PlanVersion.objects.select_related("plan__registration").get(pk=version.pk)
    role = check_signer(version, user)
    if version.plan.registration.status != Registration.Status.ACTIVE:
        raise PlanError(_("This registration is not active: its assessment plan can no longer be signed."))
    if not version.is_current:
        raise PlanError(
            f"Version {version.number} of this plan has been revised since you opened it: read the current version "
            "before you sign."
        )
    current_hash = version_hash(version)
    if (expected_hash or "") != current_hash:
        raise PlanError(
            _(
                "The plan is not the one you were shown (it changed, or the page is out of date): read it "
                "again before you sign."
            )
        )
    existing = version.signatures.filter(role=role).first()
    if existing is not None:
        raise PlanError(_("%(name)s has already signed this version of the plan.") % {"name": existing.name_at_signing})
    try:
        with transaction.atomic():
            signature = PlanSignature.objects.create(
                version=version,
                role=role,
                user=user,
                name_at_signing=_name(user),
                signed_at=timezone.now(),
                content_hash=current_hash,
                ip_address=ip_address or None,
                user_agent=(user_agent or "")[:500],
            )
    except IntegrityError:
        raise PlanError(_("This version of the plan has already been signed in your role.")) from None
    registration = plan.registration
    record_event(
        action="assessment_plan_signed",
        obj=signature,
        actor=user,
        centre=registration.centre,
        registration_id=registration.pk,
        summary=f"{signature.name_at_signing} signed version {version.number} of the assessment plan "
        f"“{plan.title}” as {role}",
        plan=plan.pk,
        version=version.number,
        role=role,
        content_hash=current_hash,
    )
    record_in_ledger("plan_signature", signature)
    return signature
