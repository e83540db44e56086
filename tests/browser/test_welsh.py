"""A learner on a phone switches the interface to Welsh from the footer: the pages then speak Welsh, still fit a
390-px screen and pass axe-core."""

import pytest
from playwright.sync_api import expect

from tests.browser.audit import PHONE, Findings, audit_page, watch_csp
from tests.browser.helpers import login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_learner_switches_to_welsh_on_a_phone(new_page, browser_world):
    page = new_page(PHONE)
    reports = watch_csp(page)
    login(page, browser_world.learner.email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")

    page.get_by_role("link", name="Language / Iaith").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Language / Iaith")
    page.get_by_label("Cymraeg").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text("Mae eich dewis o iaith wedi’i gadw.")
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    screenshot(page, "01-iaith")

    findings = Findings()
    audit_page(page, "phone learner language (cy)", findings, reports)
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Croeso")
    expect(page.get_by_role("link", name="Ychwanegu tystiolaeth").first).to_be_visible()
    audit_page(page, "phone learner home (cy)", findings, reports)
    page.get_by_role("link", name=browser_world.registration.qualification.title).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fy mhortffolio")
    audit_page(page, "phone learner portfolio (cy)", findings, reports)
    screenshot(page, "02-portffolio")
    assert findings.problems == []


def test_an_assessor_reading_welsh_judges_evidence_on_a_phone(new_page, browser_world):
    """A staff journey in Welsh: the assessment queue, the judging page and the message after saving."""
    from portfolio.models import EvidenceLink
    from tests.portfolio.helpers import UNIT_A, criteria_of, make_evidence

    assessor = browser_world.assessor
    assessor.language = "cy"
    assessor.save(update_fields=["language"])
    evidence = make_evidence(browser_world.registration, criteria=criteria_of(UNIT_A, 2), submit=True)

    page = new_page(PHONE)
    reports = watch_csp(page)
    login(page, assessor.email)
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    findings = Findings()
    page.goto("/portfolio/assessment/queue/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ciw asesu")
    audit_page(page, "phone assessor queue (cy)", findings, reports)
    screenshot(page, "01-ciw-asesu")

    page.goto(f"/portfolio/evidence/{evidence.pk}/judge/")
    expect(page.get_by_role("heading", name="Neu farnu pob maen prawf")).to_be_visible()
    for radio in page.locator("input[type=radio][value=accept]").all():
        radio.check()
    page.check("#confirm_vacs")
    audit_page(page, "phone assessor judging (cy)", findings, reports)
    page.get_by_role("button", name="Cadw’r dyfarniadau").click()
    expect(page.get_by_role("status").first).to_contain_text("Cadwyd 2 dyfarniad")
    screenshot(page, "02-dyfarniadau-wedi-cadw")
    assert not evidence.links.exclude(status=EvidenceLink.Status.ACCEPTED).exists()
    assert findings.problems == []
