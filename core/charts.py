"""The geometry of the small server-drawn charts (templates/charts/): bars scaled against the largest value or a
target. No app data: each page says what its bars are."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    scale: int  # the value that fills the bar
    figure: str  # the words and numbers shown beside the bar (its text alternative)
    url: str = ""
    target: int | None = None  # a mark on the bar (a plan), on the same scale
    tone: str = ""  # green, amber or red; none: the brand colour

    @property
    def percent(self) -> float:
        return _percent(self.value, self.scale)

    @property
    def target_percent(self) -> float | None:
        return None if self.target is None else _percent(self.target, self.scale)


def _percent(value: int, scale: int) -> float:
    if scale <= 0:
        return 0.0
    return round(100 * min(max(value, 0), scale) / scale, 1)


def scaled(items: list[tuple[str, int, str, str]]) -> list[Bar]:
    """Bars of (label, value, figure, url), all scaled against the largest value (one bar full)."""
    largest = max((value for _, value, _, _ in items), default=0)
    return [Bar(label, value, largest, figure, url) for label, value, figure, url in items]


def against_target(label: str, done: int, planned: int, *, figure: str = "", url: str = "") -> Bar:
    """A bar of `done` against `planned`: full at the plan (or at `done` when past it), with the plan marked,
    green when the plan is met, amber when under it."""
    scale = max(done, planned, 1)
    tone = "green" if done >= planned else "amber"
    return Bar(label, done, scale, figure or f"{done} of {planned}", url, target=planned, tone=tone)
