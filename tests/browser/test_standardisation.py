"""In the browser: an IQA sets a learner's evidence before the qualification's assessors; each judges it on their own
and sees the others only after submitting; the IQA closes judging, compares, records what was agreed and closes."""

import pytest
from playwright.sync_api import expect

from quality.models import StandardisationActivity
from tests.quality.helpers import add_evidence, units_of

from .helpers import login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def _judge(page, verdict_labels):
    fieldsets = page.locator("form fieldset")
    for index, label in enumerate(verdict_labels):
        fieldset = fieldsets.nth(index)
        fieldset.get_by_label(label, exact=True).check()
        fieldset.locator("textarea").fill(f"{label}: the complaint log shows the learner's own words.")
    page.get_by_role("button", name="Submit my judgements").click()
    page.wait_for_load_state()


def test_standardisation_from_set_up_to_closed_record(new_page, browser_world):
    world = browser_world
    unit = units_of(world.registration)[0]
    criteria = list(unit.criteria.order_by("order")[:2])
    evidence = add_evidence(world.registration, criteria)

    page = new_page()
    login(page, world.iqa.email)
    page.get_by_role("link", name="Standardisation").first.click()
    page.get_by_role("link", name="New standardisation activity").click()
    page.select_option("select[name=unit]", value=f"{world.registration.qualification_id}-{unit.pk}")
    page.get_by_role("button", name="Next").click()
    page.fill("input[name=title]", "Spring standardisation")
    page.select_option("select[name=evidence]", value=str(evidence.pk))
    boxes = page.locator("input[name=criteria]")
    for index in range(2, boxes.count()):
        boxes.nth(index).uncheck()
    screenshot(page, "01-iqa-sets-the-activity")
    page.get_by_role("button", name="Set the activity").click()
    page.wait_for_load_state()
    activity = StandardisationActivity.objects.get()
    assert page.url.endswith(f"/standardisation/{activity.pk}/")
    invited = page.locator("#participants-title ~ ul li", has_text="not submitted")
    assert invited.count() == activity.participants.count() == 3

    login(page, world.assessor.email)
    assert page.goto(f"/quality/standardisation/{activity.pk}/results/").status == 403
    page.goto(f"/quality/standardisation/{activity.pk}/")
    screenshot(page, "02-assessor-judges-alone")
    _judge(page, ["Met", "Met"])
    assert page.url.endswith("/results/")
    assert page.get_by_text("Agree: met").count() == 2
    screenshot(page, "03-assessor-sees-results-after-submitting")

    login(page, world.other_assessor.email)
    page.goto(f"/quality/standardisation/{activity.pk}/")
    _judge(page, ["Met", "Not sure"])
    expect(page.get_by_text("Differ: 1 met, 1 not sure")).to_be_visible()

    login(page, world.iqa.email)
    page.goto(f"/quality/standardisation/{activity.pk}/")
    page.get_by_role("button", name="Close judging and compare").click()
    page.wait_for_load_state()
    expect(page.get_by_text("1 criterion where judgements differ")).to_be_visible()
    screenshot(page, "04-iqa-compares")
    for fieldset in page.locator("#record-title ~ form fieldset").all():
        fieldset.locator("select").select_option("met")
        fieldset.locator("textarea").fill("Met: one well-evidenced interaction is sufficient.")
    page.fill("textarea[name=minutes]", "Both assessors attended; we read the unit guidance together.")
    page.get_by_role("button", name="Save outcomes and minutes").click()
    page.wait_for_load_state()
    page.select_option("select[name=assessor]", value=str(world.other_assessor.pk))
    page.fill("form textarea[name=text]", "Read the assessment guidance before judging.")
    page.fill("input[name=due_on]", "2099-01-31")
    page.get_by_role("button", name="Add the action").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Close the record").click()
    page.wait_for_load_state()
    expect(page.get_by_text("This record is closed")).to_be_visible()
    expect(page.get_by_text("Read the assessment guidance before judging.")).to_be_visible()
    screenshot(page, "05-closed-record")
    activity.refresh_from_db()
    assert activity.is_closed
