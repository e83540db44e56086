"""An assessor on a phone (390 px): records an observation with a photo and the learner's drawn signature, then a
professional discussion recorded in the browser (Chromium's fake microphone) with two markers; the evidence page
jumps to a marker. Screenshots in test-artifacts/screenshots/test_observation_and_discussion_on_a_phone/."""

import re

import pytest

from observations.models import AssessmentRecord
from tests import samples
from tests.browser.audit import Findings, audit_page, watch_csp
from tests.browser.conftest import CHROMIUM_ARGS, chromium_path
from tests.browser.helpers import login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
FAKE_MEDIA = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]


@pytest.fixture
def media_browser(browser):
    """A second Chromium with a fake microphone that needs no permission prompt, for this test only. The session's
    `browser` has already checked that Chromium exists and started Playwright."""
    launched = browser.browser_type.launch(
        executable_path=chromium_path(), headless=True, args=[*CHROMIUM_ARGS, *FAKE_MEDIA]
    )
    yield launched
    launched.close()


def _draw(page, selector: str) -> None:
    canvas = page.locator(selector)
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    x, y = box["x"] + 20, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(x + step * 20, y + (15 if step % 2 else -15))
    page.mouse.up()


def _choose(page, criteria) -> None:
    """Open the unit (units fold) and tick its criteria."""
    page.locator(f"details:has(#criterion-{criteria[0].pk}) > summary").click()
    for criterion in criteria:
        page.check(f"#criterion-{criterion.pk}")


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_observation_and_discussion_on_a_phone(new_page, media_browser, browser_world, live_server, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = browser_world
    registration = world.registration
    photo = tmp_path / "IMG_3001.jpg"
    photo.write_bytes(samples.phone_photo_bytes((1200, 800)))
    criteria = list(registration.units.order_by("reference").first().criteria.order_by("order")[:2])
    findings = Findings()

    assessor = new_page(PHONE)
    csp = watch_csp(assessor)
    login(assessor, world.assessor.email)
    assessor.goto(f"/portfolio/registrations/{registration.pk}/portfolio/")
    assessor.click("main >> text=Record an observation")
    assessor.wait_for_url(re.compile(r"/observations/new/\d+/$"))
    audit_page(assessor, "observation form", findings, csp)
    _choose(assessor, criteria)
    assessor.fill("#id_observed", "Greeted each customer by name and checked the order back to them.")
    assessor.fill("#id_location", "Northgate store")
    assessor.set_input_files("#photos", str(photo))
    assert assessor.locator("#photos").get_attribute("capture") == "environment"
    # The assessor hands the phone over: the learner signs with a finger (the mouse here) on the canvas.
    _draw(assessor, "[data-signature-pad=learner] canvas")
    image = assessor.locator("[data-signature-pad=learner] [data-signature-image]")
    assert image.input_value()
    # The assessor adds a sentence after the learner signed: the signature no longer signs what is shown.
    assessor.fill("#id_observed", "Greeted each customer by name and checked the order back. Then thanked them.")
    assert image.input_value() == ""
    assert "sign again" in assessor.locator("[data-signature-pad=learner] [data-signed-note]").inner_text()
    _draw(assessor, "[data-signature-pad=learner] canvas")
    assert (
        assessor.locator("[data-signature-pad=learner] [data-signature-image]")
        .input_value()
        .startswith("data:image/png;base64,")
    )
    assert _no_sideways_scroll(assessor)
    screenshot(assessor, "1-observation-signed")
    assessor.click("text=Save the observation")
    try:
        assessor.wait_for_url(re.compile(r"/portfolio/evidence/\d+/$"))
    finally:
        screenshot(assessor, "1b-after-save")
    record = AssessmentRecord.objects.get(kind="observation")
    signature = record.signatures.get()
    assert (signature.role, signature.how, signature.name) == ("learner", "drawn", world.learner.full_name)
    assert record.evidence.files.count() == 1
    assert set(record.evidence.links.values_list("status", flat=True)) == {"accepted"}
    assert assessor.locator("img.signature-image").count() == 1
    audit_page(assessor, "observation evidence", findings, csp)
    screenshot(assessor, "2-observation-evidence")

    # The professional discussion, in a browser with a fake microphone.
    context = media_browser.new_context(base_url=live_server.url, viewport=PHONE)
    context.set_default_timeout(15_000)
    try:
        phone = context.new_page()
        csp_phone = watch_csp(phone)
        login(phone, world.assessor.email)
        phone.goto(f"/observations/discussion/new/{registration.pk}/")
        _choose(phone, criteria)
        assert phone.locator("[data-recorder]").is_visible()
        phone.click("[data-record-start]")
        phone.wait_for_selector(f"[data-mark-criterion='{criteria[0].pk}']:not([disabled])")
        phone.wait_for_timeout(1200)
        phone.click(f"[data-mark-criterion='{criteria[0].pk}']")
        phone.wait_for_timeout(1500)
        phone.click(f"[data-mark-criterion='{criteria[1].pk}']")
        phone.wait_for_timeout(800)
        phone.click("[data-record-stop]")
        phone.wait_for_selector("[data-record-preview]:not([hidden])")
        assert phone.locator("[data-marker-list] li").count() == 2
        assert _no_sideways_scroll(phone)
        audit_page(phone, "discussion form", findings, csp_phone)
        screenshot(phone, "3-discussion-recorded")
        phone.click("text=Save the discussion")
        phone.wait_for_url(re.compile(r"/portfolio/evidence/\d+/$"))
        discussion = AssessmentRecord.objects.get(kind="discussion")
        markers = list(discussion.markers.order_by("seconds"))
        assert [marker.criterion_id for marker in markers] == [criteria[0].pk, criteria[1].pk]
        assert 0.5 < float(markers[0].seconds) < float(markers[1].seconds)
        assert [m.code for m in discussion.evidence.methods.all()] == ["PD"]
        audit_page(phone, "discussion evidence", findings, csp_phone)
        second = float(markers[1].seconds)
        phone.wait_for_function("document.querySelector('[data-discussion-audio]').readyState >= 1")
        phone.click(f"[data-seek='{markers[1].seconds}']")
        phone.wait_for_function(
            f"Math.abs(document.querySelector('[data-discussion-audio]').currentTime - {second}) < 1"
        )
        screenshot(phone, "4-discussion-jumped-to-marker")
    finally:
        context.close()
    assert not findings.problems, findings.problems


def test_a_lost_answer_is_retried_with_the_same_token_and_saves_one_record(new_page, browser_world):
    """The server saved the record but the phone never heard back (the connection dropped): the page's script tries
    again with the same one-time token, the server answers with the record already saved, and nothing is doubled."""
    world = browser_world
    registration = world.registration
    criterion = registration.units.order_by("reference").first().criteria.order_by("order").first()
    assessor = new_page(PHONE)
    login(assessor, world.assessor.email)
    url = f"/observations/new/{registration.pk}/"
    assessor.goto(url)
    _choose(assessor, [criterion])
    assessor.fill("#id_observed", "Answered the phone within three rings and took a clear message.")
    assessor.check("#learner-later")
    posts = []

    def drop_the_first_answer(route):
        if route.request.method != "POST":
            route.continue_()
            return
        posts.append(route.request.post_data_buffer)
        if len(posts) == 1:
            route.fetch()  # the server saves the record...
            route.abort("connectionreset")  # ...and the answer is lost on the way back
        else:
            route.continue_()

    assessor.route(f"**{url}", drop_the_first_answer)
    assessor.click("text=Save the observation")
    assessor.wait_for_url(re.compile(r"/portfolio/evidence/\d+/$"), timeout=30_000)
    tokens = {re.search(rb'name="submission_token"\r\n\r\n(\w+)', body).group(1) for body in posts}
    assert len(posts) == 2 and len(tokens) == 1
    record = AssessmentRecord.objects.get()
    assert record.registration.evidence.count() == 1
    assert record.confirmation == AssessmentRecord.Confirmation.LATER and not record.signatures.exists()
    screenshot(assessor, "retried-once")
