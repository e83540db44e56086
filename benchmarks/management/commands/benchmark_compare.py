"""`manage.py benchmark_compare REV`: how much CPU the main pages (or, with --pages, any page the benchmark times)
cost in this working tree against commit REV, measured side by side on one synthetic centre.

On a machine whose speed drifts from minute to minute (a shared or throttled one), two runs of `benchmark` made
at different times cannot show a change of 10-20%. This command builds one centre (a fresh database, as the
benchmark does), checks REV out in a temporary git worktree, and starts two processes against that database: one
running REV's code, one running this tree's. Each round asks both, one after the other and in alternating order,
for the same page a few times; a round's change is the ratio of their median CPU times, and a page's change is
the median of its rounds' changes, so drift that lasts longer than a round cancels out. Both versions must read
the same database schema (the database is migrated by this tree). Timings are reported, never asserted.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, CommandError

from benchmarks import build

ROOT = Path(settings.BASE_DIR)
WORKER = Path(__file__).resolve().parents[2] / "compare_worker.py"


class Command(BaseCommand):
    help = "Compare pages' CPU per request in this working tree against a commit, side by side (the main pages)."

    def add_arguments(self, parser):
        parser.add_argument("rev", help="The commit (or branch, tag) to compare this working tree against.")
        parser.add_argument("--size", type=int, default=10000, help="Learners in the synthetic centre.")
        parser.add_argument("--database-url", default="", help="PostgreSQL server URL (default: a SQLite file).")
        parser.add_argument("--rounds", type=int, default=30, help="Rounds per page.")
        parser.add_argument("--requests", type=int, default=5, help="Requests per version in each round.")
        parser.add_argument(
            "--pages",
            default="",
            help="Pages to compare, comma-separated: any page the benchmark times (default: the main pages).",
        )
        parser.add_argument("--output", default="bench", help="Folder for the database and the report.")
        parser.add_argument("--child-build", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        output = Path(options["output"]).resolve()
        output.mkdir(parents=True, exist_ok=True)
        if options["child_build"]:
            return self._build(options["size"], output)
        if options["size"] < 1 or options["rounds"] < 1 or options["requests"] < 1:
            raise CommandError("--size, --rounds and --requests must be positive.")
        commit = _git("rev-parse", "--verify", f"{options['rev']}^{{commit}}").strip()
        chosen = _chosen_pages(options["pages"])
        env = build.prepare(options["size"], output, options["database_url"])
        self.stdout.write(f"Building a centre of {options['size']} learners ...")
        subprocess.run(
            [sys.executable, "manage.py", "benchmark_compare", commit, "--child-build"]
            + ["--size", str(options["size"]), "--output", str(output)],
            cwd=ROOT,
            env=env,
            check=True,
        )
        built = json.loads((output / "compare-pages.json").read_text())
        pages = {name: built[name] for name in chosen}
        with tempfile.TemporaryDirectory(prefix="benchmark-compare-") as folder:
            tree = Path(folder) / "tree"
            _git("worktree", "add", "--detach", str(tree), commit)
            try:
                rounds = self._measure(pages, env, {"old": tree, "new": ROOT}, options)
            finally:
                _git("worktree", "remove", "--force", str(tree))
        report = {
            "when": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
            "old": {"rev": options["rev"], "commit": commit},
            "new": {"rev": "working tree", "commit": _git("rev-parse", "HEAD").strip()},
            "size": options["size"],
            "database": "PostgreSQL" if options["database_url"] else "SQLite (file)",
            "rounds": options["rounds"],
            "requests_per_round": options["requests"],
            "pages": {name: summarise(page_rounds) for name, page_rounds in rounds.items()},
        }
        (output / "compare.json").write_text(json.dumps(report, indent=2) + "\n")
        (output / "compare.md").write_text(markdown(report))
        self.stdout.write(markdown(report))
        self.stdout.write(self.style.SUCCESS(f"Wrote {output / 'compare.json'} and {output / 'compare.md'}"))

    def _build(self, size: int, output: Path) -> None:
        bench, _ = build.build(size, export_file_kb=None)
        users = bench.everyone()
        pages = {name: [users[who], url] for name, (who, url) in comparable_pages(bench).items()}
        (output / "compare-pages.json").write_text(json.dumps(pages, indent=2))

    def _measure(self, pages: dict, env: dict, trees: dict[str, Path], options) -> dict[str, list[dict]]:
        workers: dict[str, _Worker] = {}
        try:
            for side, tree in trees.items():  # in the try: a version that cannot start stops the one already started
                workers[side] = _Worker(tree, env, pages)
            rounds: dict[str, list[dict]] = {}
            for name in pages:
                self.stdout.write(f"  {name} ...")
                rounds[name] = []
                for number in range(options["rounds"]):
                    # Alternating which goes first: whatever the first of a pair gains or loses falls on both.
                    order = ("old", "new") if number % 2 == 0 else ("new", "old")
                    answers = {side: workers[side].time(name, options["requests"]) for side in order}
                    rounds[name].append({side: answers[side]["cpu_ms"] for side in ("old", "new")})
            return rounds
        finally:
            for worker in workers.values():
                worker.stop()


def comparable_pages(bench) -> dict[str, tuple[str, str]]:
    """Page name -> (who, URL): the main pages, then the other pages the benchmark times (issues 15 and 16: the
    calendar, the plan page, every role's home page, the apprenticeship pages)."""
    from benchmarks.measure import main_pages
    from benchmarks.pages import more_pages

    pages = dict(main_pages(bench))
    for section in more_pages(bench).values():
        pages.update(section)
    return pages


def _chosen_pages(option: str) -> list[str]:
    """The pages named by --pages (none: the main pages), refused before anything is built if one is not a page the
    benchmark times."""
    from benchmarks.data import BenchCentre
    from benchmarks.measure import main_pages

    # The names only, from a centre not built yet: every role given an id so that each role's home page is named.
    everyone = BenchCentre(size=0, trainee_id=1, eqa_id=1, apprentice_id=1, employer_contact_id=1)
    known = list(comparable_pages(everyone))
    chosen, unknown = [], []
    parts, start = option.split(","), 0
    while start < len(parts):
        # The longest run of parts that names a page: some names hold a comma ("calendar, week").
        for stop in range(len(parts), start, -1):
            name = ",".join(parts[start:stop]).strip()
            if name in known:
                chosen.append(name)
                start = stop
                break
        else:
            if parts[start].strip():
                unknown.append(parts[start].strip())
            start += 1
    if unknown:
        raise CommandError(f"No such page: {', '.join(unknown)} (choose from {', '.join(known)})")
    return chosen or list(main_pages(everyone))


class _Worker:
    """A process serving one version's pages (benchmarks/compare_worker.py run in that version's folder)."""

    def __init__(self, tree: Path, env: dict, pages: dict):
        self.tree = tree
        self.process = subprocess.Popen(
            [sys.executable, "-c", WORKER.read_text()],
            cwd=tree,
            env={**env, "PYTHONPATH": str(tree)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self._send({"pages": pages})
        answer = self._receive()
        if "error" in answer:
            self.stop()
            raise CommandError(
                f"The code in {tree} could not serve the pages: {answer['error']}. Both versions must read the same "
                "database schema."
            )

    def time(self, page: str, requests: int) -> dict:
        self._send({"page": page, "requests": requests})
        return self._receive()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def _send(self, message: dict) -> None:
        self.process.stdin.write(json.dumps(message) + "\n")
        self.process.stdin.flush()

    def _receive(self) -> dict:
        while line := self.process.stdout.readline():
            if line.startswith("{"):  # anything else is something the version itself printed
                return json.loads(line)
        raise CommandError(f"The process running the code in {self.tree} stopped (its error is printed above).")


def summarise(rounds: list[dict]) -> dict:
    """A page's rounds -> each version's median CPU ms and the change: the median of the rounds' own changes,
    with the middle half of them (where the other half of the rounds' changes did not fall)."""
    changes = sorted(round_["new"] / round_["old"] - 1 for round_ in rounds)
    quartiles = statistics.quantiles(changes, n=4) if len(changes) > 1 else [changes[0]] * 3
    return {
        "old_cpu_ms": round(statistics.median(round_["old"] for round_ in rounds), 2),
        "new_cpu_ms": round(statistics.median(round_["new"] for round_ in rounds), 2),
        "change": round(statistics.median(changes), 4),
        "middle_half": [round(quartiles[0], 4), round(quartiles[2], 4)],
        "rounds": rounds,
    }


def markdown(report: dict) -> str:
    old = report["old"]
    lines = [
        f"# This working tree against {old['rev']} ({old['commit'][:10]})",
        "",
        f"{report['when']} · {report['size']:,} learners · {report['database']} · {report['rounds']} rounds of "
        f"{report['requests_per_round']} requests per version. CPU ms per request (medians); the change is the "
        "median of the rounds' own changes, and the middle half of them shows how far a single round could be off.",
        "",
        "| page | before: CPU ms | after: CPU ms | change | middle half of the rounds' changes |",
        "|---|---|---|---|---|",
    ]
    for name, page in report["pages"].items():
        low, high = page["middle_half"]
        lines.append(
            f"| {name} | {page['old_cpu_ms']:.1f} | {page['new_cpu_ms']:.1f} | {page['change']:+.1%} "
            f"| {low:+.1%} to {high:+.1%} |"
        )
    return "\n".join(lines) + "\n"


def _git(*args: str) -> str:
    result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise CommandError(f"git {' '.join(args)}: {result.stderr.strip()}")
    return result.stdout
