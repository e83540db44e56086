"""In the browser: a trainee IQA's summative sample waits for their countersignatory, who confirms it from their
home page; only then is the IQA line of the tracking sheet signed, in the trainee's name."""

import re

import pytest
from playwright.sync_api import expect

from centres.models import CompetenceStatus, Role
from quality.models import Outcome, SampleKind
from tests.factories import make_registration, make_staff
from tests.quality.helpers import complete_and_sign, make_plan, take_sample, units_of

from .helpers import login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_trainee_iqa_sample_is_confirmed_by_the_countersignatory(new_page, browser_world):
    world = browser_world
    trainee = make_staff(world.centre, Role.IQA, status=CompetenceStatus.WORKING_TOWARDS, countersignatory=world.iqa)
    registration = make_registration(world.centre, assessor=world.assessor, iqa=trainee)
    unit = units_of(registration)[0]
    complete_and_sign(registration, unit)
    sample = take_sample(
        make_plan(world, iqa=trainee), registration, unit, kind=SampleKind.SUMMATIVE, outcome=Outcome.AGREE, iqa=trainee
    )
    sheet_url = f"/tracking/registrations/{registration.pk}/units/{unit.pk}/"

    page = new_page()
    login(page, trainee.email)
    expect(page.get_by_text("Your samples awaiting countersignature")).to_be_visible()
    screenshot(page, "01-trainee-home")
    page.goto(sheet_url)
    iqa_line = page.locator("tr", has_text="IQA Signature")
    assert "Not signed" in iqa_line.inner_text()
    expect(page.get_by_text(re.compile("IQA sample awaiting countersignature")).first).to_be_visible()
    screenshot(page, "02-sheet-before")

    login(page, world.iqa.email)
    page.get_by_role("link", name=re.compile(f"Summative sample of {registration.learner.full_name}")).first.click()
    expect(page.locator("#countersign-status")).to_be_visible()
    screenshot(page, "03-sample-to-countersign")
    page.get_by_role("button", name="Confirm the sample").click()
    page.wait_for_load_state()
    assert page.locator("#countersign-status").count() == 0
    expect(page.get_by_text(re.compile(f"Countersigned.*by {re.escape(str(world.iqa))}")).first).to_be_visible()
    screenshot(page, "04-confirmed")

    page.goto(sheet_url)
    assert trainee.full_name in page.locator("tr", has_text="IQA Signature").inner_text()
    screenshot(page, "05-sheet-signed-by-the-trainee-iqa")
    sample.refresh_from_db()
    assert sample.countersigned_by_id == world.iqa.pk
