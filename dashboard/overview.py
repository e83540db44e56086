"""A centre admin's overview: learners by status, active learners on and behind track (and red, amber, green),
and the work waiting (identity checks, evidence awaiting review, adjustments awaiting a decision, claims ready for
certification), each a figure with a small bar that links to the list behind it. A fixed number of queries
whatever the number of learners (see `centre_overview`)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.charts import Bar, scaled
from portfolio.models import Adjustment, Registration
from quality.services.certification import CertificationState
from quality.services.readiness import readiness_counts

from .caseload import CaseloadRow, caseload_rows
from .status import Rag

# The schedule keys of portfolio's schedule_for, as the overview names them, in the order shown.
TRACKS = {
    "on_track": _("On track"),
    "behind": _("Behind the planned pace"),
    "overdue": _("Past the planned end date"),
    "not_started": _("Not started yet"),
}
WAITING_REVIEW = "review"
NO_IDENTITY = "identity"


@dataclass
class CentreOverview:
    centre: object
    by_status: list[Bar]
    by_track: list[Bar]
    by_rag: list[Bar]
    waiting: list[Bar]
    active: int


def _url(name: str, centre, **query) -> str:
    return f"{reverse(name, args=[centre.pk])}?{urlencode(query)}" if query else reverse(name, args=[centre.pk])


def _learners_url(centre, **query) -> str:
    return _url("dashboard:centre-learners", centre, **query)


def _learners(n: int) -> str:
    return ngettext("%(count)s learner", "%(count)s learners", n) % {"count": n}


def filter_rows(rows: list[CaseloadRow], *, track: str = "", rag: str = "", waiting: str = "") -> list[CaseloadRow]:
    """The rows the overview's figures count, by the same query keys its links carry."""
    if track in TRACKS:
        rows = [row for row in rows if row.schedule.key == track]
    if rag in Rag.LABELS:
        rows = [row for row in rows if row.status.rag == rag]
    if waiting == WAITING_REVIEW:
        rows = [row for row in rows if row.progress.awaiting_review]
    elif waiting == NO_IDENTITY:
        rows = [row for row in rows if not row.registration.identity_confirmed]
    return rows


def centre_overview(centre) -> CentreOverview:
    """Seven queries, plus certification_status's own fixed number (and its few per sampling plan)."""
    counts = dict(
        Registration.objects.filter(centre=centre)
        .order_by()
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    list_url = reverse("portfolio:registration-list")
    by_status = scaled(
        [
            (
                label,
                counts.get(status, 0),
                _learners(counts.get(status, 0)),
                f"{list_url}?{urlencode({'centre': centre.pk, 'status': status})}",
            )
            for status, label in Registration.Status.choices
        ]
    )
    rows = caseload_rows(Registration.objects.filter(centre=centre, status=Registration.Status.ACTIVE))
    by_track = scaled(
        [
            (
                label,
                n,
                _learners(n),
                _learners_url(centre, track=key),
            )
            for key, label in TRACKS.items()
            for n in [len(filter_rows(rows, track=key))]
        ]
    )
    # Red, amber and green as shares of the active learners, each bar in its own colour.
    by_rag = [
        Bar(
            label,
            n,
            max(1, len(rows)),
            _learners(n),
            _learners_url(centre, rag=rag),
            tone=rag,
        )
        for rag, label in Rag.LABELS.items()
        for n in [len(filter_rows(rows, rag=rag))]
    ]

    awaiting_review = sum(row.progress.awaiting_review for row in rows)
    no_identity = len(filter_rows(rows, waiting=NO_IDENTITY))
    adjustments = Adjustment.objects.filter(registration__centre=centre, status=Adjustment.Status.REQUESTED).count()
    ready = readiness_counts(Registration.objects.filter(centre=centre))[CertificationState.READY]
    waiting = scaled(
        [
            (
                gettext("Identity checks waiting"),
                no_identity,
                _learners(no_identity),
                f"{list_url}?{urlencode({'centre': centre.pk, 'no_identity': 'on'})}",
            ),
            (
                gettext("Evidence awaiting review"),
                awaiting_review,
                ngettext("%(count)s piece", "%(count)s pieces", awaiting_review) % {"count": awaiting_review},
                _learners_url(centre, waiting=WAITING_REVIEW),
            ),
            (
                gettext("Adjustments awaiting a decision"),
                adjustments,
                ngettext("%(count)s request", "%(count)s requests", adjustments) % {"count": adjustments},
                _url("portfolio:adjustment-register", centre, status=Adjustment.Status.REQUESTED),
            ),
            (
                gettext("Ready for a certification claim"),
                ready,
                _learners(ready),
                _url("quality:certification", centre),
            ),
        ]
    )
    return CentreOverview(centre, by_status, by_track, by_rag, waiting, active=len(rows))
