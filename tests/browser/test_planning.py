"""An assessment plan and a visit on a 390-px phone: the assessor draws up a plan with two activities, both sign it,
the assessor schedules a visit and finds it in the week view; no page scrolls sideways.
Screenshots in test-artifacts/screenshots/test_plan_and_visit_on_a_phone/."""

import datetime as dt
import re

import pytest

from planning.models import AssessmentPlan, PlanSignature, Visit
from tests.browser.helpers import login, screenshot
from tests.planning.helpers import criteria_of

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def _no_sideways_scroll(page) -> None:
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width, f"{page.url} scrolls sideways ({scroll_width}px in {inner_width}px)"


def test_plan_and_visit_on_a_phone(new_page, browser_world):
    world = browser_world
    criteria = criteria_of(world.registration, 2)
    due = (dt.date.today() + dt.timedelta(days=14)).isoformat()

    assessor = new_page(PHONE)
    login(assessor, world.assessor.email)
    assessor.goto(f"/planning/registrations/{world.registration.pk}/plans/")
    _no_sideways_scroll(assessor)
    assessor.click("main >> text=Draw up a plan")
    assessor.fill("#id_title", "Plan for the next month")
    for n, (criterion, activity) in enumerate(
        zip(criteria, ["Observation at work", "Reflective account"], strict=True)
    ):
        assessor.fill(f"#id_item-{n}-activity", activity)
        assessor.select_option(f"#id_item-{n}-criteria", [str(criterion.pk)])
        assessor.check(f"#id_item-{n}-methods_{n}")
        assessor.select_option(f"#id_item-{n}-recorded_by", "assessor" if n == 0 else "learner")
        assessor.fill(f"#id_item-{n}-due_on", due)
    _no_sideways_scroll(assessor)
    screenshot(assessor, "1-plan-form")
    assessor.click("main >> text=Save the plan")
    assessor.wait_for_url(re.compile(r"/planning/plans/\d+/$"))
    plan = AssessmentPlan.objects.get()
    assert plan.versions.get().items.count() == 2
    assessor.check("#id_agree")
    assessor.click("main >> text=Sign as assessor")
    assessor.wait_for_selector("#plan-signatures")
    _no_sideways_scroll(assessor)

    learner = new_page(PHONE)
    login(learner, world.learner.email)
    learner.goto(f"/planning/plans/{plan.pk}/")
    learner.check("#id_agree")
    learner.click("main >> text=Sign as learner")
    learner.wait_for_selector("#plan-state.alert-success")
    assert set(PlanSignature.objects.values_list("role", flat=True)) == {"learner", "assessor"}
    _no_sideways_scroll(learner)
    screenshot(learner, "2-plan-signed")

    day = dt.date.today() + dt.timedelta(days=1)
    assessor.goto("/planning/visits/new/")
    assessor.fill("#id_date", day.isoformat())
    assessor.fill("#id_starts_at", "09:30")
    assessor.fill("#id_ends_at", "10:30")
    assessor.get_by_role("checkbox", name=re.compile(rf"^{world.learner.full_name} \(")).check()
    assessor.get_by_role("checkbox", name=re.compile(r"Observation at work")).check()
    assessor.fill("#id_purpose", "Observe a refund")
    assessor.fill("#id_place", "Northgate Store")
    _no_sideways_scroll(assessor)
    assessor.click("main >> text=Schedule the visit")
    assessor.wait_for_url(re.compile(r"/planning/calendar/"))
    visit = Visit.objects.get()
    assert visit.plan_items.count() == 1
    calendar = assessor.locator("#calendar").inner_text()
    assert "Observe a refund" in calendar and world.learner.full_name in calendar
    _no_sideways_scroll(assessor)
    screenshot(assessor, "3-week-view")
