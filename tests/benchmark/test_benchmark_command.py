"""`manage.py benchmark` runs end to end at a tiny size and writes every figure the report promises.

Only the shape of the report is checked: timings are reported, never asserted."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.profile import SPLIT_PARTS

from .helpers import PAGES, drop_benchmark_databases

ROOT = Path(__file__).resolve().parents[2]
# Issue 15: the calendar, the plan page and every role's home page; issue 16: the apprenticeship pages.
MORE_PAGES = {
    "issue 15": {
        "calendar, week",
        "calendar, month",
        "assessment plan",
        "home: learner",
        "home: assessor",
        "home: trainee assessor",
        "home: IQA",
        "home: centre admin",
        "home: EQA",
        "home: apprentice",
        "home: employer contact",
    },
    "issue 16": {
        "OTJ log and summary (apprentice)",
        "OTJ log and summary (assessor)",
        "apprenticeship page (reviews list)",
        "employer contact's page",
        "employer contact's apprentice (OTJ, reviews)",
        "OTJ CSV export (whole centre)",
    },
}
API = {
    "registrations (first page)",
    "a registration's evidence",
    "a registration's signatures",
    "an apprentice's OTJ hours",
    "an apprentice's reviews",
}

pytestmark = pytest.mark.starts_first


def test_benchmark_writes_json_and_markdown_reports(tmp_path):
    command = [sys.executable, "manage.py", "benchmark", "--output", str(tmp_path), "--sizes", "2,4", "--quick"]
    command += ["--upload-mb", "2", "--load-seconds", "1", "--workers", "2", "--concurrency", "2", "--repeat", "1"]
    database = os.environ.get("DATABASE_URL", "")
    if database.startswith("postgres"):
        command += ["--database-url", database]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS"))}
    try:
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)
    finally:
        if database.startswith("postgres"):
            drop_benchmark_databases(database, sizes=(2, 4))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

    report = json.loads((tmp_path / "report.json").read_text())
    assert set(report["sizes"]) == {"2", "4"}
    for part in report["sizes"].values():
        assert set(part["pages"]) == PAGES
        for page in [*part["pages"].values(), part["trivial_view"], part["layout_view"]]:
            assert page["queries"] > 0 and page["p95_ms"] >= page["median_ms"] > 0
            assert page["new_connection"]["median_ms"] > 0
            assert page["cpu_ms"] > 0 and page["query_ms"] > 0  # CPU time per request beside the wall time
        for page in part["pages"].values():
            profile = page["profile"]
            assert profile["top"] and profile["profiled_ms_per_request"] > 0
            assert 0 < profile["shares"]["templates"] < 1
            split = page["split"]  # the same request's time in parts that add up to it
            assert set(split["ms"]) == set(SPLIT_PARTS) and all(ms >= 0 for ms in split["ms"].values())
            # Building SQL may be none at all: a page whose reads are all core.compiled builds none after warming up.
            assert split["ms"]["templates"] > 0 and split["ms"]["database"] > 0
            assert split["total_ms"] > 0
        assert {section: set(pages) for section, pages in part["more_pages"].items()} == MORE_PAGES
        assert set(part["api"]) == API
        for page in [*part["api"].values(), *(p for pages in part["more_pages"].values() for p in pages.values())]:
            assert page["queries"] > 0 and page["p95_ms"] >= page["median_ms"] > 0 and page["bytes"] > 0
        export = part["export"]  # issue 17: about 150 criteria and 60 files, exported, then verified twice
        assert export["criteria"] >= 140 and export["evidence_files"] == 60
        assert export["export_seconds"] > 0 and export["zip_bytes"] > export["file_bytes"] > 0
        assert export["verify_command_seconds"] > 0 and export["verify_command_says"].endswith("every file matches.")
        browser = export["browser_verifier"]
        if "skipped" not in browser:
            assert browser["verdict"].startswith("Valid") and browser["median_seconds"] > 0
        digest = part["digest"]  # one email per learner with their two notifications
        assert digest["emails"] == digest["learners"] > 0 and digest["notifications"] == 2 * digest["learners"]
        assert digest["seconds"] >= 0 and digest["queries"] > 0
        for document in ("unit sheet", "whole NVQ registration"):
            entry = part["pdf"][document]
            assert entry["pdf_bytes"] > 1000 and entry["criteria"] > 0
            assert entry["tracking_renderer"]["median_ms"] > 0 and entry["bare_weasyprint_table"]["median_ms"] > 0
    http = report["http"]
    assert http["mixed_pages"]["requests"] > 0 and http["trivial_view"]["requests"] > 0
    assert http["mixed_pages"]["errors"] == 0 and http["trivial_view"]["errors"] == 0
    assert http["upload"]["accepted"] and http["upload"]["megabytes"] == 2
    assert "peak_above_idle_mb" in http["upload"]
    persistent = http["persistent_connections"]
    assert persistent["mixed_pages"]["requests"] > 0 and persistent["trivial_view"]["errors"] == 0
    assert persistent["mixed_over_trivial"] > 0
    targets = report["targets"]
    assert set(targets) >= {
        "queries_within_limits",
        "median_within_limits",
        "cpu_and_query_ms_within_limits",
        "mixed_load_kept_open_at_least_20pc_of_trivial",
        "mixed_load_new_connection_at_least_35pc_of_trivial",
        "query_counts_same_at_both_sizes",
    }

    assert set(targets["query_counts_same_beyond_main_pages"]) == {"issue 15", "issue 16", "api"}

    markdown = (tmp_path / "report.md").read_text()
    for heading in ("## Main pages", "## PDFs", "## Over HTTP", "## Targets"):
        assert heading in markdown
    for heading in (
        "## Assessment cycle and home pages (issue 15)",
        "## Apprenticeship pages (issue 16)",
        "## Portable portfolio: export and verification (issue 17)",
        "## API list endpoints (issue 17)",
    ):
        assert heading in markdown
    rows: dict[str, str] = {}  # each page's first row: its timings (the split of its time comes later)
    for line in markdown.splitlines():
        if line.startswith("| "):
            rows.setdefault(line.split(" | ", 1)[0].removeprefix("| "), line)
    names = PAGES | MORE_PAGES["issue 15"] | MORE_PAGES["issue 16"] | {f"{e}: `GET /api/v1/registrations" for e in API}
    for name in names:
        row = next(line for first, line in rows.items() if first.startswith(name))
        assert row.endswith(("| yes |", "| **no** |")), row  # each query count said to be the same at both sizes or not
    export_rows = markdown.split("## Portable portfolio", 1)[1].split("##", 1)[0]
    assert "\n| 2 | " in export_rows and "\n| 4 | " in export_rows  # a row per size
    assert "connections kept open" in markdown and "| *trivial view, for comparison* |" in markdown
    assert "| *an empty page in the layout (navigation, bell), for comparison* |" in markdown
    assert "### Where each main page's time goes" in markdown
    assert "- Every main page at most 10 queries, the IQA plan at most 14:" in markdown
    assert "- Median at most 12 ms (IQA plan 30 ms):" in markdown
    assert "at least 20% of the trivial view's rate with connections kept open" in markdown
    assert "at least 35% of the trivial view's rate with a new connection per request" in markdown
    # Each page that misses a target shows where its time goes and what would remove the rest.
    for page in targets["pages_missing_a_target"]:
        section = markdown.split(f"### {page}:", 1)[1].split("###", 1)[0]
        assert "| function | calls per request |" in section and "What would remove the rest:" in section
