"""Sections that apps above the portfolio add to its pages (the evidence page, a unit's progress page), asked
through hooks so the arrows keep pointing down: an answer returns a list of dicts, each with "template" and what
that template reads."""

from __future__ import annotations

from collections.abc import Callable

from centres.hooks import Hook

evidence_details = Hook[Callable[..., list]](
    "More about how a piece of evidence was made, shown under its description, such as an observation's "
    "signatures or a discussion's recording and markers (user, evidence) -> a list of {'template': ..., ...}"
)
evidence_sections = Hook[Callable[..., list]](
    "Sections shown at the foot of the evidence page (user, evidence) -> a list of {'template': ..., ...}"
)
unit_sections = Hook[Callable[..., list]](
    "Sections shown on a unit's progress page (user, registration, unit) -> a list of {'template': ..., ...}"
)

registration_actions = Hook[Callable[..., list]](
    "More ways to add evidence to a registration's portfolio, for its page (user, registration) -> a list of "
    "(url, label)"
)


def gather(hook: Hook, *args) -> list[dict]:
    return [section for answer in hook.ask(*args) for section in answer]
