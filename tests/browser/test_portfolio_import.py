"""A centre admin at another centre imports a learner's portable portfolio on a 390 px phone: the import page, the
job page that follows the background import and the imported record fit the screen with no sideways scrolling,
pass axe and the Content-Security-Policy; the unit signed off at the first centre shows as carried over, met, with
its original signatures on the new centre's tracking sheet; and the portfolio exported again from the new centre,
carrying the first centre's files, opens valid in the offline verifier (one changed byte of a first-centre file
named)."""

import datetime as dt
import re
import zipfile

import pytest
from django.urls import reverse

from tests.browser.audit import Findings, audit_page, watch_csp
from tests.browser.helpers import login, screenshot, verify_offline

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def _exported(world, tmp_path):
    from exchange.building import build_portfolio_zip
    from qualifications.models import Unit
    from tests.portfolio.helpers import UNIT_A, UNIT_B, criteria_of, make_evidence
    from tests.quality.helpers import complete_and_sign

    make_evidence(world.registration, criteria=criteria_of(UNIT_A, 1))  # a file, on the chain
    complete_and_sign(world.registration, Unit.objects.get(reference=UNIT_B))
    path = tmp_path / "portfolio.zip"
    build_portfolio_zip(world.registration, path)
    return path


def test_admin_imports_a_portfolio_on_a_phone(new_page, browser_world, live_server, media_root, tmp_path):
    from playwright.sync_api import expect

    from exchange.building import build_portfolio_zip
    from exchange.models import ImportedUnit, PortfolioImport
    from tests.portfolio.helpers import UNIT_B

    world = browser_world
    archive = _exported(world, tmp_path)
    page = new_page(PHONE)
    csp = watch_csp(page)
    findings = Findings()
    login(page, world.other_admin.email)
    page.goto(reverse("exchange:portfolio-import", args=[world.other_centre.pk]))
    audit_page(page, "import", findings, csp)
    page.set_input_files("input[name=archive]", str(archive))
    page.fill("input[name=email]", world.learner.email)
    page.fill("input[name=date_of_birth]", "2000-01-01")
    page.fill("input[name=start_date]", dt.date.today().isoformat())
    page.fill("input[name=planned_end_date]", (dt.date.today() + dt.timedelta(days=365)).isoformat())
    page.select_option("select[name=assessor]", str(world.other_centre_assessor.pk))
    page.select_option("select[name=iqa]", str(world.other_centre_registration.iqa_id))
    screenshot(page, "01-import-form")
    page.get_by_role("button", name="Check and import").click()
    # The background job's page, followed to its end: the portfolio verified and was imported.
    expect(page.get_by_role("heading", name=re.compile("portfolio import", re.I))).to_be_visible()
    expect(page.locator(".alert-success")).to_contain_text("The portfolio verified and was imported.")
    audit_page(page, "import-job", findings, csp)
    screenshot(page, "02-import-job-done")
    page.get_by_role("link", name="Open the imported portfolio").click()
    expect(page.get_by_role("heading", name="Imported from another centre")).to_be_visible()
    expect(page.locator(".imported-unit")).to_contain_text(UNIT_B)
    expect(page.locator(".imported-unit")).to_contain_text(world.assessor.full_name)
    audit_page(page, "imported", findings, csp)
    screenshot(page, "03-imported")

    # The new centre's tracking sheet of the carried unit: met, carried over from the named centre, read-only.
    imported = PortfolioImport.objects.get()
    carried = ImportedUnit.objects.get(registration_id=imported.registration_id)
    page.goto(reverse("tracking:sheet", args=[imported.registration_id, carried.unit_id]))
    expect(page.locator(".carried-over")).to_contain_text("Carried over from Northgate Training")
    expect(page.locator(".sheet-table .status-none")).to_have_count(0)
    expect(page.locator(".original-signature").first).to_contain_text(carried.signatures[0]["sheet_hash"])
    audit_page(page, "carried-sheet", findings, csp)
    screenshot(page, "04-carried-sheet")
    assert not findings.problems, findings.problems

    # Exported again from the new centre, with the first centre's files: valid in the offline verifier.
    again = tmp_path / "from-second-centre.zip"
    build_portfolio_zip(imported.registration, again)
    checked = verify_offline(new_page, again)
    expect(checked.locator("#verdict")).to_have_text(re.compile("^Valid"))
    expect(checked.locator("#portfolio")).to_contain_text("Earlier centre: Northgate Training")
    screenshot(checked, "05-re-export-valid")
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(again) as original, zipfile.ZipFile(tampered, "w", zipfile.ZIP_DEFLATED) as copy:
        first = next(name for name in original.namelist() if name.startswith("earlier/1/evidence/"))
        for info in original.infolist():
            data = original.read(info)
            if info.filename == first:
                data = data[:100] + bytes([data[100] ^ 1]) + data[101:]
            copy.writestr(info.filename, data)
    checked = verify_offline(new_page, tampered)
    expect(checked.locator("#verdict")).to_have_text(re.compile("^Not valid: 1 problem"))
    expect(checked.locator("#problems")).to_contain_text(f"Changed file: {first} does not match the SHA-256")
    screenshot(checked, "06-re-export-changed-file")
