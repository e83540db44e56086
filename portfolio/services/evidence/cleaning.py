"""What a learner or assessor types about evidence, checked and tidied: title, date, written record,
location, methods (and who may record each) and the reason for simulation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from portfolio.models import Registration
from portfolio.services import NotAllowed, PortfolioError
from portfolio.services.checks import is_learner
from qualifications.models import AssessmentCriterion, AssessmentMethod
from qualifications.spec_rules import SIMULATION, workplace_rule

TITLE_MAX = 200
LOCATION_MAX = 200
DESCRIPTION_MAX = 50_000
SIMULATION_REASON_MAX = 2000
# Methods a learner does not record on their own evidence, and who does.
NOT_RECORDED_BY_LEARNER = {
    "Obs": "the assessor",
    "Q": "the assessor",
    "PD": "the assessor",
    "WT": "the witness, through an invitation",
}


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise PortfolioError(_("Give the evidence a title."))
    if len(title) > TITLE_MAX:
        raise PortfolioError(_("Keep the title to %(TITLE_MAX)s characters.") % {"TITLE_MAX": TITLE_MAX})
    return title


def _clean_description(description: str) -> str:
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise PortfolioError(
            _("Keep the written record to %(DESCRIPTION_MAX)s characters, or upload it as a document.")
            % {"DESCRIPTION_MAX": f"{DESCRIPTION_MAX:,}"}
        )
    return description


def _clean_location(location: str) -> str:
    location = " ".join((location or "").split())
    if len(location) > LOCATION_MAX:
        raise PortfolioError(
            _("Keep the assessment location to %(LOCATION_MAX)s characters.") % {"LOCATION_MAX": LOCATION_MAX}
        )
    return location


def _clean_date(date: dt.date | None) -> dt.date:
    if date is None:
        raise PortfolioError(_("Give the date the evidence was produced."))
    if date > timezone.localdate():
        raise PortfolioError(_("The evidence date cannot be in the future."))
    return date


def _clean_methods(methods: Iterable) -> list[AssessmentMethod]:
    methods = list(methods)
    codes = [method for method in methods if isinstance(method, str)]
    result = [method for method in methods if isinstance(method, AssessmentMethod)]
    if codes:
        found = {method.code: method for method in AssessmentMethod.objects.filter(code__in=codes)}
        missing = sorted(set(codes) - set(found))
        if missing:
            raise PortfolioError(_("Unknown assessment method: %(join)s.") % {"join": ", ".join(missing)})
        result.extend(found[code] for code in codes)
    if not result:
        raise PortfolioError(_("Choose at least one assessment method."))
    return result


def _check_methods_for(actor, registration: Registration, methods: list[AssessmentMethod], already=()) -> None:
    """A learner records their own kinds of evidence only: observation, questioning and professional discussion are
    the assessor's records, witness testimony the witness's. Methods already on the evidence (a witness's WT) stay."""
    if not is_learner(actor, registration):
        return
    kept = {method.code for method in already}
    refused = [method for method in methods if method.code in NOT_RECORDED_BY_LEARNER and method.code not in kept]
    if refused:
        names = "; ".join(f"{method.name} is recorded by {NOT_RECORDED_BY_LEARNER[method.code]}" for method in refused)
        raise NotAllowed(_("%(names)s. Choose the methods of your own evidence only.") % {"names": names})


def _clean_simulation_reason(methods: list[AssessmentMethod], reason: str) -> str:
    """Simulated evidence says why real work could not be used; other evidence keeps no reason."""
    reason = (reason or "").strip()
    if not any(method.code == SIMULATION for method in methods):
        return ""
    if not reason:
        raise PortfolioError(
            _("Say why this evidence comes from a simulation (for example, why workplace evidence was not available).")
        )
    if len(reason) > SIMULATION_REASON_MAX:
        raise PortfolioError(
            _("Keep the reason for simulation to %(SIMULATION_REASON_MAX)s characters.")
            % {"SIMULATION_REASON_MAX": SIMULATION_REASON_MAX}
        )
    return reason


def refuse_simulation_where_workplace_required(criteria: Iterable[AssessmentCriterion]) -> None:
    """Simulated evidence cannot count for a unit its specification says must be assessed in real work."""
    for criterion in criteria:
        rule = workplace_rule(criterion.unit.reference, criterion.code)
        if rule is not None:
            raise PortfolioError(
                _(
                    "Simulated evidence cannot be linked to %(reference)s %(code)s: the "
                    "specification of %(qualification_number)s says “%(quote)s”"
                )
                % {
                    "reference": criterion.unit.reference,
                    "code": criterion.code,
                    "qualification_number": rule.qualification_number,
                    "quote": rule.quote,
                }
            )
