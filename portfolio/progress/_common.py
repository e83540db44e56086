"""Private state shared by the assembly and the block that shares it: what a `sharing_unit_statuses()` block
has already read."""

from __future__ import annotations

from contextvars import ContextVar

from portfolio.models import Registration

from .statuses import UnitStatus

# Whole-plan statuses by registration id, while a `sharing_unit_statuses()` block is open.
_shared_statuses: ContextVar[dict[int, list[UnitStatus]] | None] = ContextVar("shared_unit_statuses", default=None)


# A learner's active registrations by learner id, while the same block is open.
_shared_registrations: ContextVar[dict[int, list[Registration]] | None] = ContextVar(
    "shared_active_registrations", default=None
)


# Other read-only results the block's parts share (apps above portfolio: see sharing.shared_within_block), by key.
_shared_results: ContextVar[dict | None] = ContextVar("shared_results", default=None)
