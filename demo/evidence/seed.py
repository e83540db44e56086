"""Seeding the demo evidence: each piece of portfolios.toml played through the portfolio services in order, and the
steps made in code (a witness invited, an RPL claim, a reasonable adjustment)."""

from __future__ import annotations

import datetime as dt
import functools
import tomllib
from pathlib import Path

from django.utils import timezone

from portfolio.models import Adjustment, Evidence
from portfolio.services.adjustments import decide_adjustment, request_adjustment
from portfolio.services.rpl import check_rpl, claim_rpl, decide_rpl
from portfolio.services.witness import invite_witness, testimony_url

from ..files import demo_pdf, demo_photo
from .portfolio import Portfolio

QUALIFIED_ASSESSOR = "assessor@northgate.example"


@functools.cache
def pieces() -> list[dict]:
    """The pieces of portfolios.toml, in order."""
    return tomllib.loads(Path(__file__).with_name("portfolios.toml").read_text(encoding="utf-8"))["piece"]


def _files(specs: list[dict]) -> list:
    return [demo_pdf(spec["pdf"], spec["lines"]) if "pdf" in spec else demo_photo(spec["photo"]) for spec in specs]


def _play(p: Portfolio, piece: dict) -> None:
    """Add the piece's evidence in order, then judge it in order; then the witness and the countersignature."""
    added = []
    for item in piece["evidence"]:
        criteria = p.select(item["criteria"])
        evidence = p.add(
            p.assessor if item["by"] == "assessor" else p.learner,
            title=item["title"],
            days_ago=item["days_ago"],
            methods=item["methods"],
            location=item["location"],
            description=item.get("description", ""),
            files=_files(item.get("files", [])),
            criteria=criteria,
        )
        added.append((item, evidence, criteria))
    for item, evidence, criteria in added:
        if "accept" in item:
            count = len(criteria) if item["accept"] == "all" else item["accept"]
            p.judge(evidence, accept=criteria[:count], reject=criteria[count:], feedback=item.get("feedback", ""))
    if "witness" in piece and not p.registration.witness_invitations.exists():
        _invitation, token = invite_witness(actor=p.learner, registration=p.registration, **piece["witness"])
        p.context["logins"].append(("(witness link)", f"Witness testimony for {p.learner}: {testimony_url(token)}"))
    if "countersign" in piece:
        p.countersign_all(piece["countersign"])


def _jacob_rpl(p: Portfolio) -> None:
    """An RPL claim for two criteria of Jacob's first unit: one accepted, one rejected; the IQA agrees."""
    criteria = p.first_of_each_unit(2, units=1)
    claim = claim_rpl(
        actor=p.assessor,
        registration=p.registration,
        title="RPL: Level 1 Award in Customer Service (2021)",
        date=timezone.localdate() - dt.timedelta(days=150),
        prior_learning="Level 1 Award in Customer Service, achieved at Northgate College in June 2021. Original "
        "certificate and unit transcript seen and copied; the units match the first two criteria.",
        criteria=[criterion.pk for criterion in criteria],
    )
    claim = decide_rpl(
        actor=p.assessor,
        claim=claim,
        accepted=[criteria[0].pk],
        note=f"{criteria[0].code} is met by the 2021 unit, still current in his role. {criteria[1].code} asks for "
        "work with today's procedures: not met by the 2021 award, to be evidenced at work.",
    )
    check_rpl(
        actor=p.registration.iqa,
        claim=claim,
        outcome="agree",
        note="Certificate and transcript seen; the decision is sound.",
    )


def _jacob_extra_time(context: dict, registration) -> None:
    """An approved reasonable adjustment, with its supporting letter, for the judging page, sheets and EQA pack."""
    what = "25% extra time for written questions, and questions read aloud on request"
    if Adjustment.objects.filter(registration=registration, what=what).exists():
        return
    admin = context["users"]["admin@northgate.example"]
    adjustment = request_adjustment(
        actor=registration.assessor,
        registration=registration,
        kind=Adjustment.Kind.REASONABLE_ADJUSTMENT,
        what=what,
        why="Jacob has dyslexia, confirmed by the college's learning support assessment in September.",
        assessments="written questions",
        files=[demo_pdf("Learning support assessment", ["Dyslexia: extra time and a reader recommended"])],
    )
    context.setdefault("stored_files", []).extend(stored.file.name for stored in adjustment.files.all())
    decide_adjustment(
        actor=admin, adjustment=adjustment, approve=True, adjusted="25% extra time on written questions; a reader"
    )


# The pieces made in code, by the `step` that portfolios.toml names.
STEPS = {"rpl": _jacob_rpl}


def seed(context: dict) -> None:
    registrations = context.get("registrations") or {}
    countersignatory = context.get("users", {}).get(QUALIFIED_ASSESSOR)
    for piece in pieces():
        registration = registrations.get(piece["learner"])
        key_title = piece.get("key") or piece["evidence"][0]["title"]
        if registration is None or Evidence.objects.filter(registration=registration, title=key_title).exists():
            continue
        registration.refresh_from_db()
        portfolio = Portfolio(context, registration, countersignatory)
        if "step" in piece:
            STEPS[piece["step"]](portfolio)
        else:
            _play(portfolio, piece)
    jacob = registrations.get("learner3@northgate.example")
    if jacob is not None:
        _jacob_extra_time(context, jacob)
