"""Page audits for the browser tests: sideways scrolling, axe-core (WCAG 2.2 AA rules), Content-Security-Policy
violations, and the main pages of each role, found the way a person finds them (the navigation, then the first
link of each kind of page)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
DOCS_DESIGN = Path(__file__).resolve().parents[2] / "docs" / "design"

# Kinds of page reached from the navigation: the first link of each kind found on the pages visited so far.
DETAIL_PAGES = [
    r"^/portfolio/registrations/\d+/portfolio/$",
    r"^/portfolio/registrations/\d+/portfolio/units/\d+/$",
    r"^/portfolio/registrations/\d+/portfolio/evidence/new/$",
    r"^/portfolio/evidence/\d+/$",
    r"^/portfolio/evidence/\d+/judge/$",
    r"^/portfolio/registrations/\d+/$",
    r"^/tracking/registrations/\d+/$",
    r"^/tracking/registrations/\d+/units/\d+/$",
    r"^/quality/plans/\d+/$",
    r"^/quality/samples/\d+/$",
    r"^/quality/shares/\d+/$",
    r"^/quality/eqa/.+/$",
    r"^/quality/standardisation/\d+/$",
    r"^/centres/\d+/staff/\d+/$",
]


@dataclass
class Findings:
    problems: list[str] = field(default_factory=list)
    pages: int = 0

    def add(self, where: str, what: str) -> None:
        self.problems.append(f"{where}: {what}")


def watch_csp(page) -> list[str]:
    """Collect the browser's Content-Security-Policy reports ("Refused to ...", "... violates the following Content
    Security Policy directive ...") for this page; the list is cleared by `audit_page`."""
    reports: list[str] = []

    def on_console(message):
        if message.type == "error" and ("Content Security Policy" in message.text or "Refused to" in message.text):
            reports.append(message.text[:300])

    page.on("console", on_console)
    return reports


def audit_page(page, where: str, findings: Findings, csp_reports: list[str]) -> None:
    """Check the page now shown: no sideways scrolling, no axe violation, no CSP report since the last audit."""
    from axe_playwright_python.sync_playwright import Axe

    findings.pages += 1
    page.wait_for_load_state("load")
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if scroll_width > inner_width:
        wide = page.evaluate(
            """() => [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right >
                   window.innerWidth + 1).slice(0, 3).map(e => e.tagName + '.' + e.className)"""
        )
        findings.add(where, f"scrolls sideways ({scroll_width}px in a {inner_width}px window; {wide})")
    # Only violations are read: axe then gathers no detail on the passes and the incomplete checks.
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    results = Axe().run(page, options=options)
    for violation in results.response["violations"]:
        targets = [node["target"] for node in violation["nodes"][:3]]
        findings.add(where, f"axe {violation['id']} ({len(violation['nodes'])}): {targets}")
    for report in csp_reports:
        findings.add(where, f"CSP: {report}")
    csp_reports.clear()


def main_pages(page, limit: int = 14) -> list[str]:
    """The role's main pages: home, every navigation link, then the first page of each detail kind linked from
    those pages (one per kind), in the order found. Downloads, PDFs and sign-out are left out."""
    page.goto("/")
    found = ["/"]
    for href in page.locator("#main-nav a.nav-link").evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        if href not in found:
            found.append(href)
    kinds_left = list(DETAIL_PAGES)
    for path in list(found):
        if not kinds_left or len(found) >= limit:
            break
        page.goto(path)
        hrefs = page.locator("main a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        for href in hrefs:
            href_path = urlparse(href).path
            for kind in list(kinds_left):
                if re.match(kind, href_path) and href_path not in found and len(found) < limit:
                    found.append(href_path)
                    kinds_left.remove(kind)
    return found


def save_design_screenshot(page, name: str) -> None:
    """With DESIGN_SCREENSHOTS=1, save the visible page into docs/design/<name>.png, as a small palette PNG."""
    if os.environ.get("DESIGN_SCREENSHOTS") != "1":
        return
    from PIL import Image

    DOCS_DESIGN.mkdir(parents=True, exist_ok=True)
    target = DOCS_DESIGN / f"{name}.png"
    page.screenshot(path=str(target), full_page=False)
    with Image.open(target) as image:
        small = image.convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT)
    small.save(target, optimize=True)
