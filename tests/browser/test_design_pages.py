"""Every main page of every role, on the demo data (`seed_demo`, as a new user sees it), at a 390-px phone width and
at a desktop width: no sideways scrolling, no axe-core violation of the WCAG 2.0/2.1/2.2 A and AA rules, and no
Content-Security-Policy report in the console. With DESIGN_SCREENSHOTS=1 the pages shown in docs/design.md are
saved into docs/design/."""

import re

import pytest

from tests.browser.audit import DESKTOP, PHONE, Findings, audit_page, main_pages, save_design_screenshot, watch_csp
from tests.browser.helpers import login
from tests.demo.helpers import seed

pytestmark = pytest.mark.django_db(transaction=True)

DEMO_PASSWORD = "demo-pass-2026"
ROLES = [
    ("learner", "learner1@northgate.example"),
    ("assessor", "assessor@northgate.example"),
    ("trainee-assessor", "trainee@northgate.example"),
    ("iqa", "iqa@northgate.example"),
    ("eqa", "eqa@awarding.example"),
    ("centre-admin", "admin@northgate.example"),
    ("apprentice", "learner3@northgate.example"),
    ("employer-contact", "employer@harbour.example"),
]
# Pages outside the navigation, checked as the learner sees them: the statement and our own error pages; and the
# notifications behind the header's bell, with the email choices.
OTHER_PAGES = {
    "learner": [
        ("/accessibility/", 200),
        ("/no-such-page/", 404),
        ("/portfolio/assessment/queue/", 403),
        ("/notifications/", 200),
        ("/notifications/settings/", 200),
    ],
    "assessor": [("/notifications/", 200)],
}
# docs/design.md's screenshots: (role, path pattern, name) at the width of the test that takes them.
DOC_SHOTS = {
    "phone": [
        ("learner", r"^/$", "phone-learner-home"),
        ("learner", r"^/portfolio/my/$", "phone-my-portfolio"),
        ("learner", r"^/tracking/registrations/\d+/units/\d+/$", "phone-tracking-sheet"),
        ("assessor", r"/judge/$", "phone-judging"),
    ],
    "desktop": [
        ("learner", r"^/portfolio/my/$", "desktop-my-portfolio"),
        ("assessor", r"^/portfolio/assessment/queue/$", "desktop-assessment-queue"),
        ("iqa", r"^/quality/plans/\d+/$", "desktop-sampling-plan"),
        ("centre-admin", r"^/portfolio/registrations/$", "desktop-learners"),
    ],
}


@pytest.fixture
def demo(catalogue, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    seed()


def _audit_every_role(new_page, viewport, width_name) -> Findings:
    findings = Findings()
    shots = {}
    for role, email in ROLES:
        page = new_page(viewport)
        reports = watch_csp(page)
        login(page, email, DEMO_PASSWORD)
        paths = main_pages(page)
        assert len(paths) >= 4, f"{role} reaches only {paths}"
        reports.clear()  # the pages were only read for their links; each is audited below
        expected = {path: 200 for path in paths} | dict(OTHER_PAGES.get(role, []))
        for path, status in expected.items():
            response = page.goto(path)
            assert response.status == status, f"{role} {path}: {response.status}"
            audit_page(page, f"{width_name} {role} {path}", findings, reports)
            for shot_role, pattern, name in DOC_SHOTS[width_name]:
                if shot_role == role and name not in shots and re.search(pattern, path):
                    shots[name] = path
                    save_design_screenshot(page, name)
        page.context.close()
    return findings


def test_every_main_page_fits_a_phone_and_passes_axe(new_page, demo):
    findings = _audit_every_role(new_page, PHONE, "phone")
    assert findings.pages >= 40
    assert not findings.problems, "\n".join(findings.problems)


def test_every_main_page_on_a_desktop_passes_axe(new_page, demo):
    findings = _audit_every_role(new_page, DESKTOP, "desktop")
    assert findings.pages >= 40
    assert not findings.problems, "\n".join(findings.problems)
