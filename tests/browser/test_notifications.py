"""Notifications on a 390-px phone: the assessor judges a learner's evidence; the learner sees the bell's count,
opens the list and the notification, which takes them to the evidence and is read. Screenshots in
test-artifacts/screenshots/test_learner_is_notified_when_the_assessor_judges_evidence/."""

import pytest
from playwright.sync_api import expect

from notifications.models import Notification
from tests.browser.helpers import login, screenshot
from tests.portfolio.helpers import UNIT_A, criteria_of, make_evidence

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("window.innerWidth")


def test_learner_is_notified_when_the_assessor_judges_evidence(new_page, browser_world, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = browser_world
    evidence = make_evidence(world.registration, criteria=criteria_of(UNIT_A, 2), files=[], title="Phone call log")
    assert Notification.objects.filter(recipient=world.assessor, kind="evidence_submitted").exists()

    assessor = new_page(PHONE)
    login(assessor, world.assessor.email)
    assessor.goto(f"/portfolio/evidence/{evidence.pk}/judge/")
    for radio in assessor.locator("input[type=radio][value=accept]").all():
        radio.check()
    assessor.check("#confirm_vacs")
    assessor.get_by_role("button", name="Save judgements").click()
    screenshot(assessor, "01-assessor-judged")

    learner = new_page(PHONE)
    login(learner, world.learner.email)
    learner.goto("/")
    bell = learner.get_by_role("link", name="Notifications, 1 unread")
    expect(bell).to_be_visible()
    _fits(learner)
    screenshot(learner, "02-bell-count")
    bell.click()
    expect(learner.get_by_role("heading", level=1)).to_have_text("Notifications")
    _fits(learner)
    screenshot(learner, "03-list")
    learner.get_by_role("button", name=f"Your assessor judged evidence {evidence.reference}").click()
    learner.wait_for_url(f"**/portfolio/evidence/{evidence.pk}/")
    expect(learner.get_by_role("link", name="Notifications", exact=True)).to_be_visible()  # no unread left
    screenshot(learner, "04-evidence-opened")
    assert not Notification.objects.filter(recipient=world.learner, read_at__isnull=True).exists()
