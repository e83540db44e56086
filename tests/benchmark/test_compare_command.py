"""`manage.py benchmark_compare REV` runs end to end at a tiny size: this working tree against a commit, side by
side on one database, each page's change reported from paired rounds.

Only the report's shape and arithmetic are checked: timings are reported, never asserted."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.management.commands.benchmark_compare import _chosen_pages, summarise

from .helpers import PAGES, drop_benchmark_databases

ROOT = Path(__file__).resolve().parents[2]


def _run(tmp_path, *arguments):
    command = [sys.executable, "manage.py", "benchmark_compare", *arguments, "--output", str(tmp_path)]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS"))}
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)


def _worktrees() -> str:
    return subprocess.run(["git", "worktree", "list"], cwd=ROOT, capture_output=True, text=True).stdout


@pytest.mark.starts_first
def test_compare_reports_each_main_page_against_a_commit_and_leaves_no_worktree(tmp_path):
    database = os.environ.get("DATABASE_URL", "")
    extra = ["--database-url", database] if database.startswith("postgres") else []
    try:  # 3 learners: the benchmark's own test builds 2 and 4 at the same time, in databases named by size
        # The main pages and, asked for by name, one of the other pages the benchmark times.
        pages = ",".join([*sorted(PAGES), "home: assessor"])
        result = _run(tmp_path, "HEAD", "--size", "3", "--rounds", "3", "--requests", "1", "--pages", pages, *extra)
    finally:
        if database.startswith("postgres"):
            drop_benchmark_databases(database, sizes=(3,))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

    report = json.loads((tmp_path / "compare.json").read_text())
    assert set(report["pages"]) == PAGES | {"home: assessor"}
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    assert report["old"]["commit"] == head and report["rounds"] == 3
    for page in report["pages"].values():
        assert len(page["rounds"]) == 3
        assert all(round_["old"] > 0 and round_["new"] > 0 for round_ in page["rounds"])
        low, high = page["middle_half"]
        assert low <= page["change"] <= high
    markdown = (tmp_path / "compare.md").read_text()
    assert "| page | before: CPU ms | after: CPU ms | change |" in markdown
    for name in [*PAGES, "home: assessor"]:
        assert f"\n| {name} | " in markdown
    assert "benchmark-compare-" not in _worktrees()


def test_an_unknown_commit_is_refused_before_anything_is_built(tmp_path):
    result = _run(tmp_path, "no-such-commit-anywhere", "--size", "3")
    assert result.returncode != 0 and "no-such-commit-anywhere" in result.stderr
    assert not list(tmp_path.iterdir())


def test_an_unknown_page_is_refused_before_anything_is_built(tmp_path):
    result = _run(tmp_path, "HEAD", "--size", "3", "--pages", "learner home,the canteen menu")
    assert result.returncode != 0 and "No such page: the canteen menu" in result.stderr
    assert not list(tmp_path.iterdir())


def test_without_pages_named_the_main_pages_are_compared_and_any_timed_page_may_be_named():
    assert set(_chosen_pages("")) == PAGES
    assert _chosen_pages("home: centre admin, calendar, week") == ["home: centre admin", "calendar, week"]


def test_a_pages_change_is_the_median_of_its_rounds_own_changes():
    rounds = [{"old": 10.0, "new": 9.0}, {"old": 20.0, "new": 24.0}, {"old": 12.0, "new": 9.0}]
    summary = summarise(rounds)
    # The rounds' changes are -10%, +20% and -25%: the page's change is their median, not the change between the
    # two medians (12 -> 9, -25%).
    assert summary["change"] == pytest.approx(-0.10)
    assert summary["old_cpu_ms"] == 12.0 and summary["new_cpu_ms"] == 9.0
    drifting = [{"old": 10.0 * k, "new": 9.0 * k} for k in (1, 2, 3, 4)]  # the machine slows down, the ratio holds
    assert summarise(drifting)["change"] == pytest.approx(-0.10)
    assert summarise(drifting)["middle_half"] == [pytest.approx(-0.10), pytest.approx(-0.10)]
