"""Timings inside one process: the main pages through Django's test client (time and queries), and the PDFs
(tracking's renderer beside WeasyPrint drawing a bare table of the same rows)."""

from __future__ import annotations

import html
import math
import statistics
import time
from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from centres.models import User

from .data import BenchCentre
from .profile import QueryTimer, where_cpu_goes, where_time_goes


def summarise(samples_ms: list[float]) -> dict:
    ordered = sorted(samples_ms)
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
    return {
        "n": len(ordered),
        "median_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(p95, 2),
        "min_ms": round(ordered[0], 2),
        "max_ms": round(ordered[-1], 2),
    }


def main_pages(bench: BenchCentre) -> dict[str, tuple[str, str]]:
    """Page name -> (who, URL): the pages the benchmark times."""
    return {
        "learner home": ("learner", reverse("home")),
        "evidence page": ("learner", reverse("portfolio:evidence-detail", args=[bench.evidence_id])),
        "unit sheet": ("assessor", reverse("tracking:sheet", args=[bench.registration_id, bench.unit_id])),
        "assessor queue": ("assessor", reverse("portfolio:assessor-queue")),
        "IQA plan": ("iqa", reverse("quality:plan-detail", args=[bench.plan_id])),
        "centre learner list": ("admin", reverse("portfolio:registration-list")),
        "notification list": ("learner", reverse("notifications:list")),
    }


def seed_inbox(bench: BenchCentre, count: int = 40) -> None:
    """A full first page (and more) of notifications for the learner whose pages are timed."""
    from notifications.kinds import EVIDENCE_JUDGED
    from notifications.models import Notification

    Notification.objects.bulk_create(
        Notification(
            recipient_id=bench.learner_id,
            centre_id=bench.centre_id,
            kind=EVIDENCE_JUDGED,
            title=f"Your assessor judged evidence {n}",
            url=reverse("portfolio:my-portfolio"),
        )
        for n in range(count)
    )


def time_pages(bench: BenchCentre, repeat: int, *, profile_requests: int = 0) -> dict:
    """Each main page timed; with `profile_requests`, also where its CPU goes (benchmarks.profile)."""
    clients: dict[str, Client] = {}
    for who, pk in bench.users().items():
        client = Client()
        client.force_login(User.objects.get(pk=pk))
        clients[who] = client
    results = {}
    for name, (who, url) in main_pages(bench).items():
        results[name] = {"url": url, "as": who, **time_page(clients[who], url, repeat)}
        if profile_requests:
            results[name]["split"] = where_time_goes(clients[who], url, requests=profile_requests)
            results[name]["profile"] = where_cpu_goes(clients[who], url, requests=profile_requests)
    return results


def time_page(client: Client, url: str, repeat: int) -> dict:
    """Median and p95 of `repeat` requests after a warm-up, the queries of one, and the same request on a new
    database connection each time."""
    first = client.get(url)
    if first.status_code != 200:
        raise RuntimeError(f"{url} answered {first.status_code}")
    # A full log (it keeps the last 9,000 queries) would hide the new ones from the context: start empty.
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    queries = len(captured)  # now: the context reads the connection's log, which later requests clear
    samples, cpu, database = [], [], []
    for _ in range(repeat):
        timer = QueryTimer()
        with connection.execute_wrapper(timer):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            cpu.append((time.process_time() - started_cpu) * 1000)
            samples.append((time.perf_counter() - started) * 1000)
        database.append(timer.seconds * 1000)
        assert response.status_code == 200
    # As a server with Django's default CONN_MAX_AGE=0 serves it: connecting, and the new database process
    # reading its catalogue of each table the page touches, come on top.
    cold = []
    for _ in range(max(5, repeat // 2)):
        connection.close()
        started = time.perf_counter()
        response = client.get(url)
        cold.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return {
        "queries": queries,
        "bytes": len(first.content),
        **summarise(samples),
        # What the request cost whatever else runs on the machine: this process's CPU, and its queries' time.
        "cpu_ms": round(statistics.median(cpu), 2),
        "query_ms": round(statistics.median(database), 2),
        "new_connection": summarise(cold),
    }


def time_trivial_view(bench: BenchCentre, repeat: int, name: str = "bench-trivial") -> dict:
    """The trivial view (served under the benchmark settings), signed in, timed as the pages are; or, by `name`,
    the empty page in the product's layout (bench-layout)."""
    client = Client()
    client.force_login(User.objects.get(pk=bench.users()["learner"]))
    return {"url": reverse(name), **time_page(client, reverse(name), repeat)}


def _time(function: Callable[[], bytes], repeat: int) -> tuple[dict, int]:
    samples, size = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        size = len(function())
        samples.append((time.perf_counter() - started) * 1000)
    return summarise(samples), size


def _bare_table_pdf(rows: list[tuple[str, ...]]) -> bytes:
    """WeasyPrint drawing the same rows as a plain table: the floor for any PDF of this much content."""
    from weasyprint import HTML

    body = "".join("<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>" for row in rows)
    document = (
        "<html><head><style>@page{size:A4 landscape;margin:12mm} body{font:9pt sans-serif}"
        "table{border-collapse:collapse;width:100%} td{border:1px solid #999;padding:2px 4px}</style></head>"
        f"<body><table>{body}</table></body></html>"
    )
    return HTML(string=document).write_pdf()


def _rows_of(sheets) -> list[tuple[str, ...]]:
    rows = []
    for sheet in sheets:
        for outcome in sheet.status.outcomes:
            for criterion_status in outcome.criteria:
                criterion = criterion_status.criterion
                rows.append(
                    (
                        f"{outcome.outcome.number}. {outcome.outcome.text}",
                        f"{criterion.code} {criterion.text}",
                        "Obs",
                        "1",
                        "01/01/2026",
                    )
                )
    return rows


def _index_rows_of(pack) -> list[tuple[str, ...]]:
    """The whole-registration PDF's index of evidence, one row per piece, as the bare table prints it."""
    return [
        (
            str(entry.evidence.reference),
            entry.evidence.title,
            ", ".join(entry.methods),
            entry.evidence.date.strftime("%d/%m/%Y"),
            "; ".join(f"{label}: {', '.join(codes)}" for label, codes in entry.criteria),
        )
        for entry in pack.index
    ]


def time_pdfs(bench: BenchCentre, repeat: int) -> dict:
    from portfolio.models import Registration
    from qualifications.models import Unit
    from tracking.exports import build_registration_pack, registration_pack_html
    from tracking.pdf import render_pdf, unit_sheet_html
    from tracking.sheets import build_sheet

    registration = Registration.objects.select_related("centre", "learner", "qualification").get(
        pk=bench.pdf_registration_id
    )
    unit = Unit.objects.get(pk=bench.pdf_unit_id)
    sheet_stats, sheet_bytes = _time(lambda: render_pdf(unit_sheet_html(build_sheet(registration, unit))), repeat)
    rows = _rows_of([build_sheet(registration, unit)])
    bare_stats, _ = _time(lambda: _bare_table_pdf(rows), repeat)

    nvq = Registration.objects.select_related("centre", "learner", "qualification").get(pk=bench.nvq_registration_id)
    unit_ids = list(nvq.plan.values_list("unit_id", flat=True))

    def whole_registration() -> bytes:
        return render_pdf(registration_pack_html(build_registration_pack(nvq, unit_ids)))

    nvq_stats, nvq_bytes = _time(whole_registration, repeat)
    pack = build_registration_pack(nvq, unit_ids)
    nvq_rows = _rows_of(pack.sheets)
    index_rows = _index_rows_of(pack)
    # The same rows as the PDF: its criteria and its index of evidence.
    nvq_bare_stats, _ = _time(lambda: _bare_table_pdf(nvq_rows + index_rows), repeat)
    return {
        "unit sheet": {
            "unit": unit.reference,
            "criteria": len(rows),
            "pdf_bytes": sheet_bytes,
            "tracking_renderer": sheet_stats,
            "bare_weasyprint_table": bare_stats,
        },
        "whole NVQ registration": {
            "qualification": nvq.qualification.number,
            "units": len(unit_ids),
            "criteria": len(nvq_rows),
            "evidence_index_rows": len(index_rows),
            "pdf_bytes": nvq_bytes,
            "tracking_renderer": nvq_stats,
            "bare_weasyprint_table": nvq_bare_stats,
        },
    }


def time_digest(bench: BenchCentre) -> dict:
    """The daily digest over every learner of the centre: two notifications each waiting for the digest, then one
    run of the periodic task (emails rendered into Django's in-memory outbox), timed and its queries counted."""
    from django.core import mail
    from django.test.utils import override_settings
    from django.utils import timezone

    from notifications.kinds import EVIDENCE_JUDGED, Delivery
    from notifications.models import Notification
    from notifications.tasks import DIGEST_BATCH, send_daily_digests
    from portfolio.models import Registration

    learner_ids = list(
        Registration.objects.filter(centre_id=bench.centre_id).values_list("learner_id", flat=True).distinct()
    )
    now = timezone.now()
    url = reverse("portfolio:my-portfolio")
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=learner_id,
                centre_id=bench.centre_id,
                kind=EVIDENCE_JUDGED,
                title=f"Your assessor judged evidence {reference}",
                url=url,
                created_at=now,
                delivery=Delivery.DIGEST,
            )
            for learner_id in learner_ids
            for reference in (1, 2)
        ],
        batch_size=2000,
    )
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        mail.outbox = []
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            counts = send_daily_digests()
            seconds = time.perf_counter() - started
        emails = len(mail.outbox)
        mail.outbox = []
    return {
        "learners": len(learner_ids),
        "notifications": counts["notifications"],
        "emails": emails,
        "seconds": round(seconds, 2),
        "queries": len(queries),
        "batch": DIGEST_BATCH,
    }
