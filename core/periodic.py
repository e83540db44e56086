"""Periodic tasks: what runs every so often in the background worker (django-q2's `manage.py qcluster`).

Any app declares one with a single line in its `AppConfig.ready()` (or any module imported at start-up); the
function is named by its dotted path, so nothing is imported until the worker runs it and the layers hold:

    from core import periodic

    periodic.register("verify_evidence", "portfolio.integrity.verify_all_evidence", minutes=24 * 60)

`sync_schedules()` turns the declarations into django-q2 `Schedule` rows, creating, updating and removing
ours by name (each ours is named "periodic:<name>"; schedules made by hand in the admin are left alone). It
runs after every `migrate` (TrackingConfig connects it to post_migrate) and from `manage.py setup_schedules`,
so it is safe to run again at any time. django-q2's scheduler looks for due schedules about every 30 seconds,
and one cluster takes each due run (the rows are locked while it does), so a task runs once per period however
many workers there are.
"""

from __future__ import annotations

from dataclasses import dataclass

PREFIX = "periodic:"


@dataclass(frozen=True)
class PeriodicTask:
    name: str
    func: str  # dotted path of a function that takes no arguments
    minutes: int

    @property
    def schedule_name(self) -> str:
        return PREFIX + self.name


REGISTRY: dict[str, PeriodicTask] = {}


def register(name: str, func: str, *, minutes: int) -> PeriodicTask:
    """Declare that `func` (a dotted path) runs every `minutes` minutes. Declaring a name again replaces it."""
    if minutes < 1:
        raise ValueError("A periodic task runs at most once a minute.")
    if "." not in func:
        raise ValueError(f"Name the function by its dotted path (app.module.function), not {func!r}.")
    task = PeriodicTask(name=name, func=func, minutes=minutes)
    REGISTRY[name] = task
    return task


def sync_schedules() -> dict[str, int]:
    """Make django-q2's schedules match the declarations; returns how many were created, updated and removed."""
    from django.db import transaction
    from django.utils import timezone
    from django_q.models import Schedule

    counts = {"created": 0, "updated": 0, "removed": 0}
    with transaction.atomic():
        existing = {s.name: s for s in Schedule.objects.select_for_update().filter(name__startswith=PREFIX)}
        for task in REGISTRY.values():
            schedule = existing.pop(task.schedule_name, None)
            wanted = {"func": task.func, "schedule_type": Schedule.MINUTES, "minutes": task.minutes, "repeats": -1}
            if schedule is None:
                Schedule.objects.create(name=task.schedule_name, next_run=timezone.now(), **wanted)
                counts["created"] += 1
            elif any(getattr(schedule, field) != value for field, value in wanted.items()):
                for field, value in wanted.items():
                    setattr(schedule, field, value)
                schedule.save()
                counts["updated"] += 1
        for schedule in existing.values():  # declared once, no longer
            schedule.delete()
            counts["removed"] += 1
    return counts
