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
import time
from dataclasses import dataclass

from django.conf import settings
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
