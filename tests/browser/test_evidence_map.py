"""The evidence map on a 390-px phone: the map scrolls sideways inside its own labelled, keyboard-focusable region,
never the page. Screenshots in test-artifacts/screenshots/test_learner_opens_the_evidence_map_on_a_phone/."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import login, screenshot
from tests.portfolio.helpers import UNIT_A, UNIT_B, criteria_of, make_evidence

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def test_learner_opens_the_evidence_map_on_a_phone(new_page, browser_world, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = browser_world
    for index in range(12):  # wide enough to overflow a phone many times over
        make_evidence(
            world.registration,
            criteria=criteria_of(UNIT_A, 2 + index % 5) + criteria_of(UNIT_B, 1 + index % 3),
            files=[],
            title=f"Piece {index + 1}",
        )

    page = new_page(PHONE)
    login(page, world.learner.email)
    page.goto(f"/portfolio/registrations/{world.registration.pk}/portfolio/")
    page.get_by_role("link", name="Evidence map").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My evidence map")
    region = page.get_by_role("region", name="Evidence map: criteria against evidence (scrolls sideways)")
    expect(region).to_be_visible()
    expect(region).to_have_attribute("tabindex", "0")
    screenshot(page, "01-map")

    # The document is no wider than the phone; the map is, and scrolls inside its region.
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("window.innerWidth")
    assert region.evaluate("e => e.scrollWidth > e.clientWidth")

    # A keyboard reaches the region and scrolls it with the arrow keys.
    region.focus()
    expect(region).to_be_focused()
    page.keyboard.press("End")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('.map-scroll').scrollLeft > 0")
    assert page.evaluate("window.scrollX") == 0
    screenshot(page, "02-scrolled")
