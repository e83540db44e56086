"""The report's sections for what issues 15, 16 and 17 ask the benchmark to measure: the assessment cycle's pages and
every role's home page, the apprenticeship pages, the portable portfolio's export and verification, and the API's
list endpoints; each query count said to be the same at every size or not."""

from __future__ import annotations

SECTIONS = {
    "issue 15": (
        "Assessment cycle and home pages (issue 15)",
        "Every learner has a signed four-activity assessment plan; every assessor a visit every other day from four "
        "weeks ago to five weeks ahead, each with one learner of their caseload; a trainee assessor (countersigned "
        "by the measured assessor) has five learners whose decisions wait for countersignature; an EQA is linked "
        "to the centre. The notification list is in the main pages.",
    ),
    "issue 16": (
        "Apprenticeship pages (issue 16)",
        "One learner in ten is an apprentice (the same Certificate registration with apprenticeship details), ten "
        "apprentices to an employer with one signed-in contact; each with a training plan signed by all three, 20 "
        "OTJ entries (half verified) and three progress reviews (one signed by all three, one overdue, one to come). "
        "The OTJ CSV covers the whole centre, so its rows (and time) grow with the centre; its queries do not.",
    ),
}


def same_at_every_size(report: dict, pick) -> str:
    """'yes', '**no**' or 'one size' for the query counts `pick(part)` gives at each size."""
    counts = [pick(report["sizes"][size]) for size in sorted(report["sizes"], key=int)]
    if len(counts) < 2:
        return "one size"
    return "yes" if len(set(counts)) == 1 else "**no**"


def query_counts_same(report: dict) -> dict[str, dict[str, bool]]:
    """For the JSON: each measured thing beyond the main pages, whether its query count is the same at every size."""
    sizes = sorted(report["sizes"], key=int)
    first = report["sizes"][sizes[0]]
    result = {}
    for section, pages in first.get("more_pages", {}).items():
        result[section] = {
            name: len({report["sizes"][s]["more_pages"][section][name]["queries"] for s in sizes}) == 1
            for name in pages
        }
    result["api"] = {
        name: len({report["sizes"][s]["api"][name]["queries"] for s in sizes}) == 1 for name in first.get("api", {})
    }
    return result


def _timed_table(report: dict, sizes: list[str], rows: list[tuple[str, str, object]]) -> list[str]:
    """One row per (name, who, pick), where pick(part) gives the timed figures at one size."""
    lines = [
        "| page | as | "
        + " | ".join(f"{int(s):,} learners: median / p95 ms (queries)" for s in sizes)
        + " | queries the same at every size |",
        "|---|---|" + "---|" * (len(sizes) + 1),
    ]
    for name, who, pick in rows:
        cells = [f"{pick(report['sizes'][s])['median_ms']:.1f} / {pick(report['sizes'][s])['p95_ms']:.1f} "
                 f"({pick(report['sizes'][s])['queries']})" for s in sizes]  # fmt: skip
        same = same_at_every_size(report, lambda part, pick=pick: pick(part)["queries"])
        lines.append(f"| {name} | {who} | " + " | ".join(cells) + f" | {same} |")
    return lines


def sections(report: dict) -> list[str]:
    sizes = sorted(report["sizes"], key=int)
    first = report["sizes"][sizes[0]]
    lines: list[str] = []
    for key, (title, lead) in SECTIONS.items():
        pages = first.get("more_pages", {}).get(key)
        if not pages:
            continue
        rows = [
            (name, page["as"], lambda part, key=key, name=name: part["more_pages"][key][name])
            for name, page in pages.items()
        ]
        lines += [f"## {title}", "", lead, ""] + _timed_table(report, sizes, rows) + [""]
    if "export" in first:
        lines += _export_section(report, sizes)
    if first.get("api"):
        rows = [(f"{name}: `GET {entry['url']}`", "token", lambda part, name=name: part["api"][name])
                for name, entry in first["api"].items()]  # fmt: skip
        lines += [
            "## API list endpoints (issue 17)",
            "",
            "Django test client with a bearer token of the centre holding every read scope (made through "
            "`api.tokens.create_token`); the registrations list is its first page (the default limit). The queries "
            "include the per-token rate limit's counter, kept in Django's cache (the database cache under these "
            "settings, as in production unless CACHES is changed).",
            "",
        ]
        lines += _timed_table(report, sizes, rows) + [""]
    return lines


def _export_section(report: dict, sizes: list[str]) -> list[str]:
    lines = [
        "## Portable portfolio: export and verification (issue 17)",
        "",
        "A registration on the NVQ (600/5469/4) with whole units adding up to about 150 criteria, every one accepted "
        "and marked met through 60 pieces of evidence with one file each (a PNG of random pixels, which does not "
        "compress, as a photo does not), and its hash chain. The export is the export job's own work "
        "(`portable_portfolio`, run synchronously: JOBS_RUNNER=sync), tracking sheets included; `verify_portfolio` "
        "checks the ZIP it wrote; the browser figure is verify.html from that ZIP, opened from a file:// path in "
        "headless Chromium, from choosing the ZIP to the verdict shown (median of the runs, each on a fresh page).",
        "",
        "| learners | criteria | evidence files (MB) | export s | ZIP MB | verify_portfolio s | browser verifier s "
        "| verdict |",
        "|---|---|---|---|---|---|---|---|",
    ]
    notes = []
    for size in sizes:
        export = report["sizes"][size]["export"]
        browser = export.get("browser_verifier", {})
        if "skipped" in browser:
            seconds, verdict = "skipped", browser["skipped"]
            notes.append(f"At {int(size):,} learners the browser verifier was not timed: {browser['skipped']}")
        else:
            seconds = f"{browser.get('median_seconds', 0):.2f} (max {browser.get('max_seconds', 0):.2f})"
            verdict = browser.get("verdict", "")
        lines.append(
            f"| {int(size):,} | {export['criteria']} | {export['evidence_files']} ({export['file_bytes'] / 1e6:.1f}) "
            f"| {export['export_seconds']:.2f} | {export['zip_bytes'] / 1e6:.1f} "
            f"| {export['verify_command_seconds']:.2f} ({export['verify_command_says']}) | {seconds} | {verdict} |"
        )
    return lines + [""] + notes + ([""] if notes else [])
