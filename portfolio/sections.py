"""Sections that apps above the portfolio add to its pages (the evidence page, a unit's progress page), asked
through hooks so the arrows keep pointing down: an answer returns a list of dicts, each with "template" and what
that template reads."""

from __future__ import annotations

from collections.abc import Callable

from centres.hooks import Hook

evidence_sections = Hook[Callable[..., list]](
    "Sections shown on the evidence page (user, evidence) -> a list of {'template': ..., ...}"
)
unit_sections = Hook[Callable[..., list]](
    "Sections shown on a unit's progress page (user, registration, unit) -> a list of {'template': ..., ...}"
)


def gather(hook: Hook, *args) -> list[dict]:
    return [section for answer in hook.ask(*args) for section in answer]
