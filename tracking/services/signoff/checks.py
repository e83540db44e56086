"""Who may sign a unit's tracking sheet in which role and in what order, and who may reopen it: the checks, the
errors they raise (SignOffNotAllowed is a 403) and the roles' names in the history."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext, gettext_noop

from centres import conflicts
from centres.access import has_role, membership_for
from centres.models import Role
from core.errors import DomainError, NotAllowed
from portfolio.access import eqa_can_see_unit
from portfolio.models import CriterionDecision, EvidenceLink, Registration
from qualifications.models import Unit

from ...models import ROLE_ORDER, SignatureRole
from ...selectors import SignOffState


class SignOffError(DomainError):
    """A sign-off rule was broken; the message says which, in words for the person acting."""


class SignOffNotAllowed(SignOffError, NotAllowed):
    """The person may not sign (or reopen) in this role: not the learner, assessor, countersignatory, an IQA
    independent of the unit or an EQA it is shared with (a 403)."""


# English in the audit history; pages show them translated (gettext(ROLE_LABELS[role])).
ROLE_LABELS = {
    SignatureRole.LEARNER: gettext_noop("learner"),
    SignatureRole.ASSESSOR: gettext_noop("assessor"),
    SignatureRole.COUNTERSIGNER: gettext_noop("countersignatory"),
    SignatureRole.IQA: "IQA",
    SignatureRole.EQA: "EQS",
}


def signer_name(user) -> str:
    return user.full_name or user.email


def _involved_in_decisions(registration: Registration, unit: Unit, user) -> bool:
    """Whether the user made or countersigned any judgement or decision on the unit's criteria for this learner."""
    decisions = CriterionDecision.objects.filter(registration=registration, criterion__unit=unit).filter(
        Q(decided_by=user) | Q(countersigned_by=user)
    )
    links = EvidenceLink.objects.filter(evidence__registration=registration, criterion__unit=unit).filter(
        Q(judged_by=user) | Q(countersigned_by=user)
    )
    return decisions.exists() or links.exists()


def _check_person(state: SignOffState, user, role: str, *, countersigned: bool = False) -> None:
    """Nobody signs for someone else: the user must be the person (or hold the post) the role needs.

    An IQA working towards their IQA award signs only through a sample their countersignatory confirmed
    (`countersigned`): their decision is not final before that."""
    registration = state.registration
    unit = state.unit
    if not user.is_authenticated or not user.is_active:
        raise SignOffNotAllowed(gettext("Sign in to sign this tracking sheet."))
    if role == SignatureRole.LEARNER:
        if user.pk != registration.learner_id:
            raise SignOffNotAllowed(
                gettext("Only the learner, %(name)s, can sign as the learner.")
                % {"name": signer_name(registration.learner)}
            )
    elif role == SignatureRole.ASSESSOR:
        if user.pk != registration.assessor_id or not has_role(user, Role.ASSESSOR, registration.centre_id):
            raise SignOffNotAllowed(
                gettext("Only the learner's assessor, %(name)s, can sign as assessor.")
                % {"name": signer_name(registration.assessor)}
            )
        if problem := conflicts.interest_conflict(user, registration, conflicts.Act.SIGN):
            raise SignOffNotAllowed(problem)
    elif role == SignatureRole.COUNTERSIGNER:
        if not state.assessor_needs_countersignature:
            raise SignOffError(gettext("This assessor's sign-off does not need a countersignature."))
        countersignatory = state.countersignatory
        if (
            countersignatory is None
            or user.pk != countersignatory.pk
            or not has_role(user, Role.ASSESSOR, registration.centre_id)
        ):
            who = f", {signer_name(countersignatory)}," if countersignatory else ""
            raise SignOffNotAllowed(
                gettext("Only the assessor's countersignatory%(who)s can countersign this sign-off.") % {"who": who}
            )
        if problem := conflicts.interest_conflict(user, registration, conflicts.Act.SIGN):
            raise SignOffNotAllowed(problem)
    elif role == SignatureRole.IQA:
        if not has_role(user, Role.IQA, registration.centre_id):
            raise SignOffNotAllowed(gettext("Only an internal quality assurer of this centre can sign as IQA."))
        if membership_for(user, registration.centre_id, Role.IQA).needs_countersignature and not countersigned:
            raise SignOffNotAllowed(
                gettext(
                    "You are working towards your IQA award: record a summative sample "
                    "instead, and the IQA line is signed when your countersignatory "
                    "confirms it."
                )
            )
        if any(signature.user_id == user.pk for signature in state.live.values()):
            raise SignOffNotAllowed(
                gettext("You have already signed this sheet in another role, so you cannot sign it as IQA.")
            )
        problem = conflicts.iqa_conflict(
            user, registration, conflicts.Act.SIGN_IQA, involved=_involved_in_decisions(registration, unit, user)
        )
        if problem:
            raise SignOffNotAllowed(problem)
    elif role == SignatureRole.EQA:
        if not eqa_can_see_unit(user, registration, unit):
            raise SignOffNotAllowed(gettext("Only an EQA with whom this unit has been shared can sign as EQS."))
        if any(signature.user_id == user.pk for signature in state.live.values()):
            raise SignOffNotAllowed(
                gettext("You have already signed this sheet in another role, so you cannot sign it as EQS.")
            )
        if problem := conflicts.interest_conflict(user, registration, conflicts.Act.SIGN_EQS):
            raise SignOffNotAllowed(problem)
    else:
        raise SignOffError(gettext("Unknown signature role."))


def _check_order(state: SignOffState, role: str) -> None:
    """Signatures come in order, each on a sheet whose content has not changed since the earlier ones."""
    live = state.live
    later = [other for other in ROLE_ORDER[ROLE_ORDER.index(role) + 1 :] if other in live]
    if later:
        raise SignOffError(
            gettext(
                "The %(value)s has already signed, so a %(value2)s signature can no "
                "longer be added without reopening the unit."
            )
            % {"value": ROLE_LABELS[later[0]], "value2": ROLE_LABELS[role]}
        )
    if state.content_changed:
        raise SignOffError(
            gettext(
                "The sheet has changed since it was signed: the assessor must reopen "
                "the unit before anyone signs again."
            )
        )
    registration = state.registration
    if role in (SignatureRole.LEARNER, SignatureRole.ASSESSOR):
        if registration.status == Registration.Status.WITHDRAWN:
            raise SignOffError(gettext("This registration is withdrawn: its units can no longer be signed off."))
        if not state.status.complete:
            raise SignOffError(
                gettext(
                    "Every required criterion must be met before the unit is signed off "
                    "(%(met)s of %(required)s are met)."
                )
                % {"met": state.status.met, "required": state.status.required}
            )
    if role == SignatureRole.ASSESSOR and not registration.identity_confirmed:
        raise SignOffError(
            gettext(
                "%(learner)s's identity has not been confirmed: record the identity "
                "check (the proof seen, who checked it and when) before the assessor "
                "signs the unit off."
            )
            % {"learner": registration.learner}
        )
    if role == SignatureRole.ASSESSOR and SignatureRole.LEARNER not in live:
        raise SignOffError(gettext("The learner signs first, declaring that the evidence is their own."))
    if role == SignatureRole.COUNTERSIGNER and SignatureRole.ASSESSOR not in live:
        raise SignOffError(gettext("The assessor signs before the countersignatory."))
    if role in (SignatureRole.IQA, SignatureRole.EQA) and not state.signed_off:
        missing = ROLE_LABELS[state.next_role]
        raise SignOffError(
            gettext("The unit is not signed off yet: the %(missing)s has still to sign.") % {"missing": missing}
        )


def check_may_sign(state: SignOffState, user, role: str, *, countersigned: bool = False) -> None:
    """Raise SignOffError unless the user may now sign the sheet in this role."""
    if role not in ROLE_ORDER:
        raise SignOffError(gettext("Unknown signature role."))
    if state.status.carried is not None:
        raise SignOffError(
            gettext(
                "This unit is carried over from another registration, whose sign-off "
                "stands for it here: withdraw the carry before the unit is signed off "
                "on this registration."
            )
        )
    _check_person(state, user, role, countersigned=countersigned)
    signed = state.live.get(role)
    if signed is not None:
        raise SignOffError(
            gettext("%(name_at_signing)s has already signed as %(value)s.")
            % {"name_at_signing": signed.name_at_signing, "value": ROLE_LABELS[role]}
        )
    _check_order(state, role)


def signing_roles(state: SignOffState, user) -> list[str]:
    """The roles the user could hold on this sheet, whether or not they may sign in them now."""
    registration = state.registration
    candidates: list[str] = []
    if not user.is_authenticated:
        return candidates
    if user.pk == registration.learner_id:
        candidates.append(SignatureRole.LEARNER)
    if user.pk == registration.assessor_id:
        candidates.append(SignatureRole.ASSESSOR)
    if state.countersignatory is not None and user.pk == state.countersignatory.pk:
        candidates.append(SignatureRole.COUNTERSIGNER)
    if user.pk not in (registration.learner_id, registration.assessor_id) and has_role(
        user, Role.IQA, registration.centre_id
    ):
        candidates.append(SignatureRole.IQA)
    if eqa_can_see_unit(user, registration, state.unit):
        candidates.append(SignatureRole.EQA)
    return candidates


def check_signer(state: SignOffState, user) -> None:
    """Raise SignOffNotAllowed when the user holds no role on this sheet in which anyone could sign it."""
    if not signing_roles(state, user):
        raise SignOffNotAllowed(gettext("Nobody in your role signs this tracking sheet."))


def roles_user_may_sign(state: SignOffState, user) -> dict[str, str | None]:
    """For each role the user could hold on this sheet: None if they may sign in it now, else why not.

    Roles the user has nothing to do with, or has already signed in, are left out (a learner is not told why
    they cannot sign as IQA)."""
    result: dict[str, str | None] = {}
    live = state.live
    for role in signing_roles(state, user):
        if role in live and live[role].user_id == user.pk:
            continue  # their signature is on the sheet already
        try:
            check_may_sign(state, user, role)
        except SignOffError as error:
            result[role] = str(error)
        else:
            result[role] = None
    return result


def check_reopener(registration: Registration, user, *, by_iqa_sample: bool = False) -> None:
    """Raise SignOffNotAllowed unless the user is who may reopen the learner's units (whatever their state)."""
    if by_iqa_sample:
        if not has_role(user, Role.IQA, registration.centre_id) or user.pk in (
            registration.learner_id,
            registration.assessor_id,
        ):
            raise SignOffNotAllowed(gettext("Only an IQA of this centre can reopen a unit after sampling it."))
    elif user.pk != registration.assessor_id or not has_role(user, Role.ASSESSOR, registration.centre_id):
        raise SignOffNotAllowed(
            gettext("Only the learner's assessor, %(name)s, can reopen this unit.")
            % {"name": signer_name(registration.assessor)}
        )


def check_may_reopen(state: SignOffState, user, *, by_iqa_sample: bool = False) -> None:
    check_reopener(state.registration, user, by_iqa_sample=by_iqa_sample)
    if not state.live:
        raise SignOffError(gettext("This unit has no signatures to reopen."))


def may_reopen(state: SignOffState, user) -> bool:
    """Whether the user may reopen the unit now (the sheet offers the button only then)."""
    try:
        check_may_reopen(state, user)
    except SignOffError:
        return False
    return True
