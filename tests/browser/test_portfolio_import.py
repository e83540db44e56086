"""A centre admin at another centre imports a learner's portable portfolio on a 390 px phone: the import page and
the imported record fit the screen with no sideways scrolling, pass axe and the Content-Security-Policy, and the
unit signed off at the first centre shows as carried over with its original signatures."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.browser.audit import Findings, audit_page, watch_csp
from tests.browser.helpers import login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def _exported(world, tmp_path):
    from exchange.building import build_portfolio_zip
    from qualifications.models import Unit
    from tests.portfolio.helpers import UNIT_B
    from tests.quality.helpers import complete_and_sign

    complete_and_sign(world.registration, Unit.objects.get(reference=UNIT_B))
    path = tmp_path / "portfolio.zip"
    build_portfolio_zip(world.registration, path)
    return path


def test_admin_imports_a_portfolio_on_a_phone(new_page, browser_world, live_server, media_root, tmp_path):
    from playwright.sync_api import expect

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
    expect(page.get_by_role("heading", name="Imported from another centre")).to_be_visible()
    expect(page.locator(".imported-unit")).to_contain_text(UNIT_B)
    expect(page.locator(".imported-unit")).to_contain_text(world.assessor.full_name)
    audit_page(page, "imported", findings, csp)
    screenshot(page, "02-imported")
    assert not findings.problems, findings.problems
