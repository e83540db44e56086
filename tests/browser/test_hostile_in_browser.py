"""Hostile input seen through a real browser: a refused file is explained on the page, and script in a title
never runs anywhere it is shown."""

import re

import pytest

from tests.browser.helpers import login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

SCRIPT_TITLE = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


def test_refused_file_is_explained_and_nothing_is_saved(page, browser_world, tmp_path):
    from portfolio.models import Evidence

    page.set_viewport_size({"width": 390, "height": 844})
    login(page, browser_world.learner.email)
    page.goto(f"/portfolio/registrations/{browser_world.registration.pk}/portfolio/evidence/new/")
    page.fill("input[name=title]", "My drawing")
    page.get_by_label("Product evidence (PE)").check()  # nothing is ticked in advance
    drawing = tmp_path / "drawing.svg"
    drawing.write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    page.set_input_files("input[name=files]", str(drawing))
    page.get_by_role("button", name="Save and continue").click()
    message = page.locator("main .alert-danger").filter(has_text="“drawing.svg” was not accepted")
    message.first.wait_for()
    assert "SVG" in message.first.inner_text()
    screenshot(page, "01-svg-refused")
    assert not Evidence.objects.exists()


def test_script_in_an_evidence_title_never_runs(new_page, browser_world):
    from tests.security.flows import evidence_for_unit

    world = browser_world
    unit = world.registration.plan.order_by("unit__reference").first().unit
    evidence = evidence_for_unit(world.registration, unit, title=SCRIPT_TITLE)
    dialogs = []
    pages = [  # (who, where, whether the page shows the title)
        (world.learner, f"/portfolio/registrations/{world.registration.pk}/portfolio/", True),
        (world.learner, f"/portfolio/evidence/{evidence.pk}/", True),
        (world.assessor, "/portfolio/assessment/queue/", True),
        (world.assessor, f"/portfolio/evidence/{evidence.pk}/judge/", True),
        (world.assessor, f"/tracking/registrations/{world.registration.pk}/units/{unit.pk}/", False),
    ]
    for number, (person, url, shows_title) in enumerate(pages, start=1):
        page = new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        login(page, person.email)
        page.goto(url)
        page.wait_for_load_state("load")
        if shows_title:  # as text, exactly as typed
            assert page.get_by_text(re.compile(re.escape("<script>alert(2)</script>"))).count() >= 1, url
        screenshot(page, f"{number:02d}-{url.strip('/').replace('/', '-')}")
    assert dialogs == [], f"script ran: {dialogs}"
