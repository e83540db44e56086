"""A learner downloads their portable portfolio and checks it offline: verify.html, opened from a file:// path in
Chromium with the network off, shows it valid; one changed byte in an evidence file makes it name that file."""

import re
import zipfile

import pytest
from django.urls import reverse

from tests.browser.helpers import login, screenshot, verify_offline

pytestmark = pytest.mark.django_db(transaction=True)


def _portfolio(world):
    from portfolio.services.judgement import judge_link, mark_criterion_met
    from tests.portfolio.helpers import UNIT_A, criteria_of, make_evidence

    criteria = criteria_of(UNIT_A, 2)
    evidence = make_evidence(world.registration, criteria=criteria)
    judge_link(actor=world.assessor, link=evidence.links.get(criterion=criteria[0]), accepted=True, feedback="Good.")
    mark_criterion_met(actor=world.assessor, registration=world.registration, criterion=criteria[0])
    return world.registration


def test_learner_downloads_and_verifies_offline(new_page, browser_world, live_server, media_root, tmp_path):
    from playwright.sync_api import expect

    registration = _portfolio(browser_world)
    page = new_page()
    login(page, browser_world.learner.email)
    page.goto(reverse("portfolio:registration-portfolio", args=[registration.pk]))
    page.get_by_role("link", name="Download my portfolio").click()
    page.get_by_role("button", name="Build the ZIP").click()
    screenshot(page, "01-export-ready")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("^Download")).click()
    archive = tmp_path / "portfolio.zip"
    download_info.value.save_as(archive)

    checked = verify_offline(new_page, archive)
    expect(checked.locator("#verdict")).to_have_text(re.compile("^Valid"))
    expect(checked.locator("#portfolio")).to_contain_text("Lena Learner")
    expect(checked.locator("#portfolio")).to_contain_text("log.pdf")
    screenshot(checked, "02-verified-valid")

    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(archive) as original, zipfile.ZipFile(tampered, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in original.infolist():
            data = original.read(info)
            if info.filename == "evidence/1-v1/log.pdf":
                data = data[:100] + bytes([data[100] ^ 1]) + data[101:]
            copy.writestr(info.filename, data)
    checked = verify_offline(new_page, tampered)
    expect(checked.locator("#verdict")).to_have_text(re.compile("^Not valid: 1 problem"))
    expect(checked.locator("#problems")).to_have_text(
        "Changed file: evidence/1-v1/log.pdf does not match the SHA-256 recorded in chain entry 1."
    )
    screenshot(checked, "03-verified-changed-file")
