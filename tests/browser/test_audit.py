"""The page audit the design sweeps rely on (tests/browser/audit.py) finds what it looks for: on a page made with
an image without alternative text, a block wider than a phone and a refused script, it reports all three."""

from tests.browser.audit import PHONE, Findings, audit_page

FLAWED_PAGE = """<!doctype html><html lang="en"><head><title>A flawed page</title></head><body><main>
<h1>A flawed page</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><div style="width: 1200px">Wide</div>
</main></body></html>"""


def test_the_audit_reports_a_missing_alternative_text_sideways_scrolling_and_a_csp_report(browser):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_content(FLAWED_PAGE)
    findings = Findings()
    audit_page(page, "flawed", findings, ["Refused to execute inline script"])
    context.close()

    assert findings.pages == 1
    assert any(problem.startswith("flawed: axe image-alt (1)") for problem in findings.problems), findings.problems
    assert any(problem.startswith("flawed: scrolls sideways") for problem in findings.problems), findings.problems
    assert "flawed: CSP: Refused to execute inline script" in findings.problems
