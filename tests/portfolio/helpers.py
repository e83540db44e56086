"""Helpers for the evidence tests: evidence made through the services, and the files left in storage."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.utils import timezone

from portfolio.models import EvidenceLink
from portfolio.services.evidence import create_evidence, link_criteria, submit_evidence
from qualifications.models import Unit
from tests import samples
from tests.factories import PASSWORD

UNIT_A = "J/600/1003"  # both units of the Certificate (600/5472/4), every factory registration's plan
UNIT_B = "J/600/0658"


def stored_files(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def criteria_of(reference: str, count: int = 3) -> list:
    return list(Unit.objects.get(reference=reference).criteria.order_by("order")[:count])


def today(days_ago: int = 0) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days_ago)


def make_evidence(
    registration,
    *,
    author=None,
    criteria=(),
    submit=True,
    files=None,
    title="Customer log",
    days_ago=3,
    methods=("PE",),
    description="What I did.",
):
    author = author or registration.learner
    evidence = create_evidence(
        actor=author,
        registration=registration,
        title=title,
        date=today(days_ago),
        methods=list(methods),
        description=description,
        files=[samples.upload("log.pdf", samples.pdf_bytes())] if files is None else files,
    )
    if criteria:
        link_criteria(actor=author, evidence=evidence, add=[criterion.pk for criterion in criteria])
    if submit and criteria:
        submit_evidence(actor=author, evidence=evidence, declaration=True)
    evidence.refresh_from_db()
    return evidence


def link_for(evidence, criterion) -> EvidenceLink:
    return EvidenceLink.objects.get(evidence=evidence, criterion=criterion)


def login(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client
