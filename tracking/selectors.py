"""Read-side of sign-off: the state of a unit's sign-off and the hash of its tracking sheet's content.

Built on portfolio.progress.unit_statuses (the one assembled view of a learner's criteria), in a fixed
number of queries whatever the number of criteria, evidence and signatures.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property

from django.utils.translation import gettext

from centres.models import Membership, Role, User
from core.compiled import CompiledRead
from portfolio.models import Registration
from portfolio.progress import UnitStatus, shared_within_block, unit_statuses

from .models import ROLE_ORDER, Signature, SignatureRole, UnitSignOff

CONTENT_VERSION = 1  # bump when the canonical serialisation below changes


def sheet_content(registration: Registration, status: UnitStatus) -> dict:
    """The canonical content of a unit's tracking sheet: what a signature vouches for.

    Every criterion's code, whether it is required on the learner's pathway, whether it is met and when,
    the method codes and portfolio references of its accepted evidence, and the id and version of each
    piece of that evidence (a new version of a piece of evidence changes the content)."""
    criteria = []
    for criterion_status in status.criteria:
        criteria.append(
            {
                "code": criterion_status.criterion.code,
                "required": criterion_status.required,
                "met": criterion_status.met,
                "met_on": criterion_status.met_on.isoformat() if criterion_status.met_on else None,
                "methods": list(criterion_status.methods),
                "references": list(criterion_status.references),
                "evidence": sorted(
                    [link.evidence_id, link.evidence.reference, link.evidence.version]
                    for link in criterion_status.accepted_links
                ),
            }
        )
    return {
        "version": CONTENT_VERSION,
        "registration": registration.pk,
        "unit": status.unit.reference,
        "pathway": registration.pathway_id,
        "criteria": criteria,
    }


def content_hash(registration: Registration, status: UnitStatus) -> str:
    canonical = json.dumps(sheet_content(registration, status), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass
class SignOffState:
    """Where a unit's sign-off stands: its live and voided signatures, and whether the sheet still matches them."""

    registration: Registration
    status: UnitStatus
    sign_off: UnitSignOff | None
    signatures: list[Signature] = field(default_factory=list)  # live and voided, oldest first
    # The qualified colleague who must countersign, when the signing assessor works towards their award.
    countersignatory: User | None = None
    assessor_needs_countersignature: bool = False

    @cached_property
    def content_hash(self) -> str:
        """The hash of the sheet's content now, worked out when first asked (a page that only lists units and who
        has signed never needs it): the status it is taken from never changes once assembled."""
        return content_hash(self.registration, self.status)

    @property
    def unit(self):
        return self.status.unit

    @property
    def live(self) -> dict[str, Signature]:
        return {signature.role: signature for signature in self.signatures if signature.voided_at is None}

    @property
    def voided(self) -> list[Signature]:
        return [signature for signature in self.signatures if signature.voided_at is not None]

    @property
    def live_in_order(self) -> list[Signature]:
        live = self.live
        return [live[role] for role in ROLE_ORDER if role in live]

    def matches(self, signature: Signature) -> bool:
        """Whether the sheet's content is still what it was when this signature was given."""
        return signature.content_hash == self.content_hash

    @property
    def content_changed(self) -> bool:
        """Some live signature vouches for content that has since changed: the unit must be reopened."""
        return any(not self.matches(signature) for signature in self.live.values())

    @property
    def required_roles(self) -> list[str]:
        roles = [SignatureRole.LEARNER, SignatureRole.ASSESSOR]
        if self.assessor_needs_countersignature:
            roles.append(SignatureRole.COUNTERSIGNER)
        return roles

    @property
    def next_role(self) -> str | None:
        """The next signature the sign-off needs (None once signed off: IQA and EQS sign only if they sample)."""
        live = self.live
        for role in self.required_roles:
            if role not in live:
                return role
        return None

    @property
    def signed_off(self) -> bool:
        """The learner, the assessor and (where needed) the countersignatory have signed."""
        return self.next_role is None

    @property
    def locked(self) -> bool:
        return self.status.locked

    @property
    def stage(self) -> str:
        if self.status.carried is not None:
            return self.status.carried.label
        live = self.live
        if self.content_changed:
            return gettext("The sheet has changed since it was signed: the assessor must reopen the unit")
        if SignatureRole.EQA in live:
            return (
                gettext("Signed off; sampled and signed by the IQA and EQS")
                if SignatureRole.IQA in live
                else gettext("Signed off; sampled and signed by the EQS")
            )
        if SignatureRole.IQA in live:
            return gettext("Signed off; sampled and signed by the IQA")
        if self.signed_off:
            return gettext("Signed off")
        if SignatureRole.ASSESSOR in live:
            return gettext("Awaiting countersignature")
        if SignatureRole.LEARNER in live:
            return gettext("Awaiting the assessor's signature")
        if self.status.complete:
            return gettext("Ready for the learner's signature")
        return gettext("In progress: %(met)s of %(required)s criteria met") % {
            "met": self.status.met,
            "required": self.status.required,
        }


def _countersigning(registration: Registration, assessor_ids: set[int]) -> dict[int, Membership]:
    """The assessor memberships (at the registration's centre) of the given people, with their countersignatory.

    The registration's own assessor's comes with the registration when it was read
    `with_assessor_membership()` (no query); anyone else's (a former assessor who signed) in one query."""
    known: dict[int, Membership] = {}
    if hasattr(registration, "assessor_membership"):
        membership = registration.assessor_membership
        if membership is not None and registration.assessor.is_active:  # active(): the person's account too
            known[registration.assessor_id] = membership
        assessor_ids = assessor_ids - {registration.assessor_id}
    if assessor_ids:
        memberships = Membership.objects.active().filter(
            user_id__in=assessor_ids, centre_id=registration.centre_id, role=Role.ASSESSOR
        )
        known.update({m.user_id: m for m in memberships.select_related("countersignatory")})
    return known


def signoff_states(registration: Registration, statuses: list[UnitStatus]) -> dict[int, SignOffState]:
    """The sign-off state of each given unit status, keyed by unit id, in two queries whatever their number (read
    once per `sharing_unit_statuses()` block: the home page's "Waiting for you" and sheets panel both ask)."""
    key = ("signoff_states", registration.pk, tuple(status.unit.pk for status in statuses))
    return shared_within_block(key, lambda: _signoff_states(registration, statuses))


_signatures = CompiledRead(
    lambda registration_id, unit_ids: (
        Signature.objects.filter(sign_off__registration_id=registration_id, sign_off__unit_id__in=unit_ids)
        .select_related("sign_off", "user", "voided_by")
        .order_by("signed_at", "id")
    )
)


def _signoff_states(registration: Registration, statuses: list[UnitStatus]) -> dict[int, SignOffState]:
    # The signatures with their sign-offs in one query: a sign-off is made by its first signature, in the same
    # transaction, so a unit without signatures has no sign-off to show.
    signatures_by_unit: dict[int, list[Signature]] = {}
    sign_offs: dict[int, UnitSignOff] = {}
    signing_assessors = {registration.assessor_id}
    for signature in _signatures(registration_id=registration.pk, unit_ids=[status.unit.pk for status in statuses]):
        signature.sign_off = sign_offs.setdefault(signature.sign_off.unit_id, signature.sign_off)
        signatures_by_unit.setdefault(signature.sign_off.unit_id, []).append(signature)
        if signature.role == SignatureRole.ASSESSOR and signature.voided_at is None:
            signing_assessors.add(signature.user_id)
    memberships = _countersigning(registration, signing_assessors)
    states = {}
    for status in statuses:
        sign_off = sign_offs.get(status.unit.pk)
        signatures = signatures_by_unit.get(status.unit.pk, [])
        state = SignOffState(
            registration=registration,
            status=status,
            sign_off=sign_off,
            signatures=signatures,
        )
        assessor_signature = state.live.get(SignatureRole.ASSESSOR)
        assessor_id = assessor_signature.user_id if assessor_signature else registration.assessor_id
        membership = memberships.get(assessor_id)
        if membership is not None and membership.needs_countersignature:
            state.assessor_needs_countersignature = True
            state.countersignatory = membership.countersignatory
        states[status.unit.pk] = state
    return states


def signoff_state(registration: Registration, unit, status: UnitStatus | None = None) -> SignOffState:
    """The sign-off state of one unit on the learner's plan (LookupError if the unit is not on it)."""
    if status is None:
        statuses = unit_statuses(registration, [unit])
        if not statuses:
            raise LookupError(f"{unit.reference} is not on this learner's plan")
        status = statuses[0]
    return signoff_states(registration, [status])[status.unit.pk]
