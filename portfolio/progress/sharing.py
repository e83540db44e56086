"""Read-only pages whose parts each fetch the same registration: one assembly and one read of a learner's
active registrations per block, handed to every part."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from django.utils import timezone

from centres.hooks import Hook
from core.compiled import CompiledRead
from portfolio.models import Registration

from ._common import _shared_registrations, _shared_results, _shared_statuses

_T = TypeVar("_T")


@contextmanager
def sharing_unit_statuses() -> Iterator[None]:
    """Within this block, `unit_statuses(registration)` of a registration's whole plan is assembled once and the
    same result handed to every caller (treat it as read-only), and so is `active_registrations_of(learner)`.
    For read-only pages whose parts each fetch the same registration on their own, as the home page's panels do;
    never around a change to the portfolio."""
    token = _shared_statuses.set({})
    registrations_token = _shared_registrations.set({})
    results_token = _shared_results.set({})
    try:
        yield
    finally:
        _shared_results.reset(results_token)
        _shared_registrations.reset(registrations_token)
        _shared_statuses.reset(token)


def shared_within_block(key: tuple, compute: Callable[[], _T]) -> _T:
    """`compute()` once per key within a `sharing_unit_statuses()` block, the same (read-only) result handed to
    every later caller; outside a block, computed each time. For apps above portfolio whose home-page parts read
    the same thing (tracking: a registration's sign-off states)."""
    shared = _shared_results.get()
    if shared is None:
        return compute()
    if key not in shared:
        shared[key] = compute()
    return shared[key]


# What apps above portfolio read with a learner's active registrations, in the same query (quality: whether the
# learner has any certificate claim, so their home page asks for claims only then).
# The day and its week's Monday are given, never read from the clock inside: the read's SQL is built once per process
# (core.compiled) and must not keep the day it was built on.
registration_annotations = Hook[Callable[[dt.date, dt.date], dict]](
    "What to read with a learner's active registrations (today, this week's Monday) -> {name: expression over "
    "Registration}"
)


def _build_active_registrations(learner_id: int, today: dt.date, monday: dt.date):
    answers = registration_annotations.ask(today, monday)
    annotations = {name: value for answer in answers for name, value in answer.items()}
    return (
        Registration.objects.filter(learner_id=learner_id, status=Registration.Status.ACTIVE)
        .with_assessor_membership()
        .select_related("qualification", "centre", "assessor", "pathway", "learner")
        .annotate(**annotations)
    )


_active_registrations = CompiledRead(_build_active_registrations)


def active_registrations_of(learner) -> list[Registration]:
    """The learner's active registrations, with their qualification, centre, assessor (and their membership, see
    Registration.objects.with_assessor_membership), pathway and learner (one query; none more inside a
    `sharing_unit_statuses()` block that already read them)."""
    shared = _shared_registrations.get()
    if shared is not None and learner.pk in shared:
        return list(shared[learner.pk])
    today = timezone.localdate()
    registrations = _active_registrations(
        learner_id=learner.pk, today=today, monday=today - dt.timedelta(days=today.weekday())
    )
    if shared is not None:
        shared[learner.pk] = registrations
    return list(registrations)
