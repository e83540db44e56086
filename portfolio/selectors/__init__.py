"""What the portfolio pages read, each page's data in a fixed number of queries whatever the size of the portfolio:
a learner's portfolio and evidence pages (`pages`), the assessor's queue and countersignatures (`queue`), and a
piece's methods from the catalogue in memory (`methods`). Criterion states always come from portfolio.progress."""

from .pages import (
    EvidencePage,
    LinkedOutcome,
    LinkedUnit,
    LinkRow,
    PortfolioPage,
    approved_adjustments,
    evidence_page,
    latest_feedback,
    portfolio_page,
)
from .queue import (
    assessor_learners,
    assessor_queue,
    assessor_registrations,
    awaiting_review,
    countersign_queue,
    queue_head,
    queue_size,
    waiting_evidence,
)

__all__ = [
    "EvidencePage",
    "LinkRow",
    "LinkedOutcome",
    "LinkedUnit",
    "PortfolioPage",
    "approved_adjustments",
    "assessor_learners",
    "assessor_queue",
    "assessor_registrations",
    "awaiting_review",
    "countersign_queue",
    "evidence_page",
    "latest_feedback",
    "portfolio_page",
    "queue_head",
    "queue_size",
    "waiting_evidence",
]
