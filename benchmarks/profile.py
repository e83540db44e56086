"""CPU time per request and where it goes: figures that stay meaningful on a machine other work is loading.

Wall time on a shared machine measures the queue for the CPU as much as the page. The CPU time this process spends
on a request (`time.process_time()` around the test client's call) does not, nor does the time its queries wait for
the database (measured around each query by an execute wrapper), so the two together say what the page costs.
benchmarks.measure records both beside the wall time; `where_cpu_goes` runs the same requests under cProfile and
lists the functions that take the most of them."""

from __future__ import annotations

import cProfile
import io
import pstats
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import query
from django.db.models.sql import compiler
from django.template.backends import django as django_templates
from django.test import Client


@dataclass
class QueryTimer:
    """An execute wrapper: the count and the total wall time of the queries run through it."""

    count: int = 0
    seconds: float = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1


# Where a request's CPU goes, by the outermost function of each kind (cumulative time, recursion counted once).
_PARTS = {
    "templates": ("django/template/backends/django.py", "render"),
    "building SQL": ("django/db/models/sql/compiler.py", "as_sql"),
    "database round trips": ("psycopg/cursor.py", "execute"),
    "querysets in all (SQL built and sent, rows made objects)": ("django/db/models/query.py", "_fetch_all"),
}


def where_cpu_goes(client: Client, url: str, *, requests: int = 20, limit: int = 15) -> dict:
    """`requests` requests under cProfile: the functions taking the most, by cumulative time per request (the test
    client's own machinery and the request's plumbing left out), and the share of the whole taken by rendering
    templates, building SQL, the database's round trips, and querysets in all."""
    client.get(url)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(url)
    profiler.disable()
    stats = pstats.Stats(profiler, stream=io.StringIO()).stats  # type: ignore[attr-defined]
    rows, parts = [], dict.fromkeys(_PARTS, 0.0)
    whole = 0.0
    for (filename, line, name), (_, calls, own, cumulative, _) in stats.items():
        where = _short(filename)
        if where.endswith("django/core/handlers/base.py") and name == "get_response":
            whole = max(whole, cumulative)
        for part, (path, function) in _PARTS.items():
            if where.endswith(path) and name == function:
                parts[part] = max(parts[part], cumulative)
        rows.append(
            {
                "function": f"{where}:{line}({name})",
                "calls_per_request": round(calls / requests, 1),
                "own_ms": round(own * 1000 / requests, 3),
                "cumulative_ms": round(cumulative * 1000 / requests, 3),
            }
        )
    rows.sort(key=lambda row: row["cumulative_ms"], reverse=True)
    skipped = ("django/test/", "benchmarks/profile.py", "cProfile", "builtins.exec")
    # The request's plumbing (handler, middleware wrappers: each nearly the whole) says nothing: start below it.
    plumbing = 0.9 * whole * 1000 / requests
    kept = [
        row for row in rows if row["cumulative_ms"] < plumbing and not any(part in row["function"] for part in skipped)
    ]
    return {
        "requests": requests,
        "profiled_ms_per_request": round(whole * 1000 / requests, 2),
        "shares": {part: round(seconds / whole, 3) if whole else 0.0 for part, seconds in parts.items()},
        "top": kept[:limit],
    }


def _short(filename: str) -> str:
    """A path from its package on: the project's files from the project's folder, libraries from site-packages."""
    root = f"{settings.BASE_DIR}/"
    if filename.startswith(root):
        return filename[len(root) :]
    return filename.split("site-packages/", 1)[-1]


# --- The same split without a profiler: each part's own time, timed around the few functions that start it ---------

# A connection prepares a statement on the server after its fifth run (psycopg's prepare_threshold, see
# config.settings.base): the requests timed come after that, as on a connection a server keeps open.
WARM_UP_REQUESTS = 6
SPLIT_PARTS = ("templates", "building SQL", "database", "rows into objects", "the rest")


@dataclass
class _Stopwatch:
    """Exclusive time per part: entering a part pauses the part it runs inside (a template evaluating a queryset
    charges the SQL's building to building SQL, not to templates), so the parts add up to the whole."""

    seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(SPLIT_PARTS, 0.0))
    stack: list[str] = field(default_factory=lambda: ["the rest"])
    since: float = 0.0

    def enter(self, part: str) -> None:
        self.settle()
        self.stack.append(part)

    def leave(self) -> None:
        now = time.perf_counter()
        self.seconds[self.stack.pop()] += now - self.since
        self.since = now

    def settle(self) -> None:
        """Charge the time since the last change of part to the part running now."""
        now = time.perf_counter()
        self.seconds[self.stack[-1]] += now - self.since
        self.since = now


def _timed(stopwatch: _Stopwatch, part: str, function):
    def timed(*args, **kwargs):
        stopwatch.enter(part)
        try:
            return function(*args, **kwargs)
        finally:
            stopwatch.leave()

    return timed


@contextmanager
def _split_timing(stopwatch: _Stopwatch) -> Iterator[None]:
    """Within the block, Django's template rendering, SQL compiler and queryset evaluation report to the stopwatch
    (restored after it): the benchmark's own process only."""
    patched = [
        (django_templates.Template, "render", "templates"),
        (compiler.SQLCompiler, "as_sql", "building SQL"),
        (query.QuerySet, "_fetch_all", "rows into objects"),
    ]
    originals = [(owner, name, owner.__dict__[name]) for owner, name, _ in patched]
    for owner, name, part in patched:
        setattr(owner, name, _timed(stopwatch, part, owner.__dict__[name]))

    def database(execute, sql, params, many, context):
        stopwatch.enter("database")
        try:
            return execute(sql, params, many, context)
        finally:
            stopwatch.leave()

    try:
        with connection.execute_wrapper(database):
            yield
    finally:
        for owner, name, original in originals:
            setattr(owner, name, original)


def where_time_goes(client: Client, url: str, *, requests: int = 20) -> dict:
    """Milliseconds per request spent in each of SPLIT_PARTS, exclusive of one another (each the median over
    `requests`, so one slow request does not swell a part): rendering templates, building SQL, waiting for the
    database, making rows into objects (the queryset's own work beyond the SQL), and the rest (the view's Python,
    middleware, the test client). Timing a few functions costs far less than cProfile's timing of every call, so
    these figures are close to the page's real ones."""
    for _ in range(WARM_UP_REQUESTS):
        client.get(url)
    stopwatch = _Stopwatch()
    samples: list[dict[str, float]] = []
    with _split_timing(stopwatch):
        for _ in range(requests):
            stopwatch.seconds = dict.fromkeys(SPLIT_PARTS, 0.0)
            stopwatch.since = time.perf_counter()
            client.get(url)
            stopwatch.settle()
            samples.append(dict(stopwatch.seconds))
    split = {part: round(statistics.median(s[part] for s in samples) * 1000, 2) for part in SPLIT_PARTS}
    total = statistics.median(sum(s.values()) for s in samples) * 1000
    return {"requests": requests, "ms": split, "total_ms": round(total, 2)}
