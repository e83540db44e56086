"""`manage.py benchmark`: build a synthetic centre at two sizes and report how the main pages, the PDFs, a large
upload and a mixed load over gunicorn behave, as JSON and as a short Markdown table.

Each size gets its own fresh database (a SQLite file in the output folder, or a PostgreSQL database named after
--database-url with the size appended) and its own media folder; the development database is never touched.
Timings are reported, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

import django
from django.conf import settings
from django.core.management import BaseCommand, CommandError

from benchmarks import build
from benchmarks.report import markdown, targets

ROOT = Path(settings.BASE_DIR)
PROFILED_REQUESTS = 20  # per page, under cProfile, after the timings (see benchmarks.profile)


class Command(BaseCommand):
    help = "Benchmark the main pages, PDFs, uploads and a mixed load at two sizes of centre; write JSON and Markdown."

    def add_arguments(self, parser):
        parser.add_argument("--output", default="bench", help="Folder for the report, databases and logs.")
        parser.add_argument("--sizes", default="100,10000", help="Learners per centre, comma-separated.")
        parser.add_argument("--database-url", default="", help="PostgreSQL server URL; one database per size.")
        parser.add_argument("--repeat", type=int, default=30, help="Timed requests per page.")
        parser.add_argument("--upload-mb", type=int, default=200, help="Size of the uploaded file.")
        parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: 2 x cores).")
        parser.add_argument("--concurrency", type=int, default=8, help="Client threads of the load test.")
        parser.add_argument("--load-seconds", type=float, default=20, help="Longest duration of each load run.")
        parser.add_argument("--load-requests", type=int, default=3000, help="Most requests of each load run.")
        parser.add_argument(
            "--export-file-kb", type=int, default=200, help="Size of each of the exported portfolio's 60 files."
        )
        parser.add_argument(
            "--quick", action="store_true", help="Few repeats, a 5 MB upload, small exported files, a short load."
        )
        parser.add_argument("--child-size", type=int, default=0, help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        output = Path(options["output"]).resolve()
        output.mkdir(parents=True, exist_ok=True)
        if options["quick"]:
            options.update(repeat=min(options["repeat"], 5), load_seconds=min(options["load_seconds"], 3))
            options.update(load_requests=min(options["load_requests"], 200), upload_mb=min(options["upload_mb"], 5))
            options.update(export_file_kb=min(options["export_file_kb"], 16))
        if options["child_size"]:
            return self._child(options["child_size"], output, options)
        sizes = sorted({int(size) for size in options["sizes"].split(",") if size.strip()})
        if not sizes or min(sizes) < 1:
            raise CommandError("--sizes must list positive numbers of learners, e.g. 100,10000")
        report = {"environment": _environment(options), "sizes": {}}
        for size in sizes:
            self.stdout.write(f"Building and measuring a centre of {size} learners ...")
            env = build.prepare(size, output, options["database_url"])
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "manage.py", "benchmark", "--child-size", str(size), "--output", str(output)]
                + ["--repeat", str(options["repeat"]), "--export-file-kb", str(options["export_file_kb"])],
                cwd=ROOT,
                env=env,
                check=True,
            )
            part = json.loads((output / f"size-{size}.json").read_text())
            part["child_seconds"] = round(time.perf_counter() - started, 1)
            report["sizes"][str(size)] = part
        largest = max(sizes)
        self.stdout.write(f"Load and upload over gunicorn at {largest} learners ...")
        report["http"] = self._over_http(largest, output, options, report["sizes"][str(largest)])
        report["targets"] = targets(report)
        (output / "report.json").write_text(json.dumps(report, indent=2) + "\n")
        (output / "report.md").write_text(markdown(report))
        self.stdout.write(self.style.SUCCESS(f"Wrote {output / 'report.json'} and {output / 'report.md'}"))

    # --- one size, in a process of its own -------------------------------------------------------------------

    def _child(self, size: int, output: Path, options) -> None:
        from benchmarks import measure, pages, portable

        bench, build_parts = build.build(size, export_file_kb=options["export_file_kb"])
        build_seconds = sum(build_parts.values())
        main_pages = measure.time_pages(
            bench, options["repeat"], profile_requests=min(PROFILED_REQUESTS, options["repeat"])
        )
        trivial = measure.time_trivial_view(bench, options["repeat"])
        layout = measure.time_trivial_view(bench, options["repeat"], "bench-layout")
        more = pages.time_more_pages(bench, options["repeat"])
        api = pages.time_api(bench, options["repeat"])
        pdfs = measure.time_pdfs(bench, max(2, options["repeat"] // 6))
        export = portable.time_export(bench, output)
        digest = measure.time_digest(bench)  # last: it adds notifications the pages above should not show
        part = {
            "learners": size,
            "build_seconds": round(build_seconds, 1),
            "build_parts_seconds": {name: round(seconds, 1) for name, seconds in build_parts.items()},
            "rows": bench.rows,
            "pages": main_pages,
            "trivial_view": trivial,
            "layout_view": layout,
            "more_pages": more,
            "api": api,
            "pdf": pdfs,
            "export": export,
            "digest": digest,
            "people": {who: _email(pk) for who, pk in bench.users().items()},
            "registration_id": bench.registration_id,
        }
        # Last, with no database work after it: Playwright's event loop and Django's ORM do not share a thread.
        export["browser_verifier"] = portable.time_browser_verifier(Path(export["zip"]))
        (output / f"size-{size}.json").write_text(json.dumps(part, indent=2))

    # --- over HTTP, against gunicorn ----------------------------------------------------------------------------

    def _over_http(self, size: int, output: Path, options, part: dict) -> dict:
        from benchmarks import load

        env = self._env_of_existing(size, output, options)
        workers = options["workers"] or 2 * load.cpu_count()
        # Django's default: a new database connection for every request (what the targets are judged on), then
        # the same loads with connections kept open between requests, as docs/deploy.md sets up production.
        fresh = self._load_run(env, workers, output, options, part, upload=True)
        persistent = self._load_run({**env, "DB_CONN_MAX_AGE": "60"}, workers, output, options, part, upload=False)
        return {
            "learners": size,
            "server": f"gunicorn, {workers} sync workers, 127.0.0.1",
            **fresh,
            "persistent_connections": persistent,
        }

    def _load_run(self, env: dict, workers: int, output: Path, options, part: dict, *, upload: bool) -> dict:
        """The mixed load of the main pages and the trivial view's load, one after the other, on one gunicorn."""
        from benchmarks import load
        from benchmarks.data import BENCH_PASSWORD

        with load.gunicorn(env, workers=workers, root=ROOT, log_path=output / "gunicorn.log") as (port, master):
            sessions = {}
            for who, email in part["people"].items():
                session = load.Session(port)
                session.login(email, BENCH_PASSWORD)
                sessions[who] = session
            pages = [(sessions[page["as"]], page["url"]) for page in part["pages"].values()]
            trivial = [(session, "/bench/trivial/") for session in sessions.values()]
            limits = {
                "concurrency": options["concurrency"],
                "max_requests": options["load_requests"],
                "max_seconds": options["load_seconds"],
            }
            load.run_load(pages + trivial, concurrency=2, max_requests=len(pages) * 4, max_seconds=30)  # warm up
            if shutil.which("wrk"):
                client = f"wrk, {options['concurrency']} connections, {int(options['load_seconds'])} s per run"
                mixed, baseline = (
                    load.run_wrk(
                        port,
                        targets,
                        connections=options["concurrency"],
                        seconds=options["load_seconds"],
                        script_dir=output,
                    )
                    for targets in (pages, trivial)
                )
            else:
                client = f"{options['concurrency']} Python threads, one new connection per request (wrk not found)"
                mixed = load.run_load(pages, **limits)
                baseline = load.run_load(trivial, **limits)
            result = {"client": client, "mixed_pages": mixed, "trivial_view": baseline}
            if upload:
                result["upload"] = load.upload(
                    sessions["learner"],
                    registration_id=part["registration_id"],
                    megabytes=options["upload_mb"],
                    master_pid=master,
                    method_id=_method_id(env),
                )
        rate = baseline["requests_per_second"]
        result["mixed_over_trivial"] = round(mixed["requests_per_second"] / rate, 3) if rate else 0
        return result

    def _env_of_existing(self, size: int, output: Path, options) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
        if options["database_url"]:
            url = build.database_url_for(options["database_url"], size)
        else:
            url = f"sqlite:///{output / f'bench-{size}.sqlite3'}"
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings.benchmark",
            DATABASE_URL=url,
            MEDIA_ROOT=str(output / f"media-{size}"),
            EVIDENCE_MAX_FILE_MB=str(max(500, options["upload_mb"] + 10)),
        )
        return env


def _email(pk: int) -> str:
    from centres.models import User

    return User.objects.get(pk=pk).email


def _method_id(env: dict) -> int:
    code = "from qualifications.models import AssessmentMethod; print(AssessmentMethod.objects.get(code='PE').pk)"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    return int(result.stdout.strip().splitlines()[-1])


def _environment(options) -> dict:
    from benchmarks.load import cpu_count

    database = "PostgreSQL" if options["database_url"] else "SQLite (file)"
    return {
        "when": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "python": platform.python_version(),
        "django": django.get_version(),
        "cpus": cpu_count(),
        "machine": platform.machine(),
        "database": database,
        "repeat": options["repeat"],
        "quick": bool(options["quick"]),
        # Other work on the machine shows in every timing: the load average when the run started.
        "load_average_at_start": [round(value, 2) for value in os.getloadavg()],
    }
