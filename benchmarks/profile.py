"""CPU time per request and where it goes: figures that stay meaningful on a machine other work is loading.

Wall time on a shared machine measures the queue for the CPU as much as the page. The CPU time this process spends
on a request (`time.process_time()` around the test client's call) does not, nor does the time its queries wait for
the database (measured around each query by an execute wrapper), so the two together say what the page costs.
`top_functions` runs the same requests under cProfile and lists the functions that take the most of them."""

from __future__ import annotations

import cProfile
import io
import pstats
import statistics
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.test import Client


@dataclass
class _QueryTimer:
    """An execute wrapper: the count and the total wall time of the queries run through it."""

    count: int = 0
    seconds: float = 0.0
    sql: list[str] = field(default_factory=list)

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1
            self.sql.append(sql)


def cpu_per_request(client: Client, url: str, repeat: int) -> dict:
    """Median CPU ms of this process per request, and the median ms its queries took (after one warm-up)."""
    client.get(url)
    cpu, database = [], []
    for _ in range(repeat):
        timer = _QueryTimer()
        with connection.execute_wrapper(timer):
            started = time.process_time()
            response = client.get(url)
            cpu.append((time.process_time() - started) * 1000)
        database.append(timer.seconds * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
    median_cpu, median_database = statistics.median(cpu), statistics.median(database)
    return {
        "cpu_ms": round(median_cpu, 2),
        "query_ms": round(median_database, 2),
        # CPU here plus the database's answers: what one request costs with nothing else competing for the CPU.
        "cpu_plus_query_ms": round(median_cpu + median_database, 2),
    }


def queries_of(client: Client, url: str) -> list[str]:
    """The SQL of one request, in order."""
    timer = _QueryTimer()
    with connection.execute_wrapper(timer):
        client.get(url)
    return timer.sql


def top_functions(client: Client, url: str, *, requests: int = 20, limit: int = 15) -> list[dict]:
    """The functions taking the most CPU over `requests` requests, by cumulative time, the test client's own
    machinery left out (it is not part of what a server does)."""
    client.get(url)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(url)
    profiler.disable()
    stats = pstats.Stats(profiler, stream=io.StringIO())
    total = stats.total_tt or 1e-9
    rows = []
    for (filename, line, name), (_, calls, own, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append(
            {
                "function": f"{_short(filename)}:{line}({name})",
                "calls_per_request": round(calls / requests, 1),
                "own_ms": round(own * 1000 / requests, 3),
                "cumulative_ms": round(cumulative * 1000 / requests, 3),
                "cumulative_share": round(cumulative / total, 3),
            }
        )
    rows.sort(key=lambda row: row["cumulative_ms"], reverse=True)
    skipped = ("django/test/", "benchmarks/profile.py", "cProfile", "<built-in method builtins.exec>")
    kept = [row for row in rows if not any(part in row["function"] for part in skipped)]
    return kept[:limit]


def _short(filename: str) -> str:
    """A path from its package on: the project's files from the project's folder, libraries from site-packages."""
    root = f"{settings.BASE_DIR}/"
    if filename.startswith(root):
        return filename[len(root) :]
    return filename.split("site-packages/", 1)[-1]
