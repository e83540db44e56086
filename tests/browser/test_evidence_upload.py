"""Evidence in a real browser on a phone-sized screen: uploads go through the progress-bar script, a refused file
says why and stores nothing, links span two units, the assessor rejects with feedback, and a witness signs a
testimony from the emailed link. Screenshots in test-artifacts/screenshots/test_evidence_on_a_phone/."""

import re

import pytest
from django.core import mail

from portfolio.models import Evidence, EvidenceLink
from tests import samples
from tests.browser.helpers import login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def _alert(page) -> str:
    return " ".join(page.locator("main .alert").all_inner_texts())


def test_evidence_on_a_phone(new_page, browser_world, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = browser_world
    photo, pdf, svg = tmp_path / "IMG_2041.jpg", tmp_path / "Service log.pdf", tmp_path / "drawing.svg"
    photo.write_bytes(samples.phone_photo_bytes((1200, 800)))
    pdf.write_bytes(samples.pdf_bytes())
    svg.write_bytes(samples.SVG)

    learner = new_page(PHONE)
    login(learner, world.learner.email)
    learner.goto(f"/portfolio/registrations/{world.registration.pk}/portfolio/")
    learner.click("main >> text=Add evidence")
    assert learner.locator("#id_photo").get_attribute("capture") == "environment"
    learner.fill("#id_title", "My service desk and log")
    learner.get_by_label("Product evidence (PE)").check()  # nothing is ticked in advance
    learner.set_input_files("#id_photo", str(photo))
    learner.set_input_files("#id_files", [str(pdf), str(svg)])
    learner.click("text=Save and continue")
    learner.wait_for_selector("main .alert")
    assert "“drawing.svg” was not accepted" in _alert(learner)
    assert not Evidence.objects.exists()
    screenshot(learner, "1-refused-svg")

    learner.set_input_files("#id_photo", str(photo))
    learner.set_input_files("#id_files", [str(pdf)])
    learner.click("text=Save and continue")
    learner.wait_for_url(re.compile(r"/evidence/\d+/link/$"))
    assert "saved as a draft" in _alert(learner)
    evidence = Evidence.objects.get()
    assert evidence.files.count() == 2

    unit_a, unit_b = world.registration.plan.order_by("unit__reference").values_list("unit_id", flat=True)
    first_a = evidence.registration.units.get(pk=unit_a).criteria.order_by("order").first()
    first_b = evidence.registration.units.get(pk=unit_b).criteria.order_by("order").first()
    # The upload's answer is written into the page by its script: wait for the picker's own script to listen.
    learner.wait_for_selector("[data-criteria-picker][data-ready]", state="attached")
    learner.fill("#criteria-search", first_a.text[:25])
    learner.check(f"#criterion-{first_a.pk}")
    learner.fill("#criteria-search", "")
    # Units fold; the one holding a chosen criterion stays open, the other opens from its summary.
    learner.locator("details.criteria-unit:not([open]) > summary").first.click()
    learner.check(f"#criterion-{first_b.pk}")
    learner.check("#declaration")
    screenshot(learner, "2-picker")
    learner.click("text=Save links and submit")
    learner.wait_for_url(re.compile(r"/evidence/\d+/$"))
    assert "submitted to your assessor" in _alert(learner)
    screenshot(learner, "3-submitted")

    assessor = new_page()
    login(assessor, world.assessor.email)
    assessor.goto("/portfolio/assessment/queue/")
    assessor.click("text=Judge")
    link_a = EvidenceLink.objects.get(evidence=evidence, criterion=first_a)
    link_b = EvidenceLink.objects.get(evidence=evidence, criterion=first_b)
    assessor.check(f"#accept-{link_a.pk}")
    assessor.check(f"#reject-{link_b.pk}")
    assessor.fill(f"#feedback-{link_b.pk}", "Add how you followed up with the customer.")
    assessor.check("#confirm_vacs")
    assessor.click("text=Save judgements")
    assessor.wait_for_selector("main .alert")
    assert "marked 1 criterion met" in _alert(assessor)
    screenshot(assessor, "4-judged")

    learner.goto("/")
    assert "Add how you followed up with the customer." in learner.content()
    screenshot(learner, "5-home-feedback")

    learner.goto(f"/portfolio/registrations/{world.registration.pk}/portfolio/witnesses/new/")
    learner.fill("#id_name", "Dana Reid")
    learner.fill("#id_job_title", "Store manager")
    learner.fill("#id_relationship", "Line manager")
    learner.fill("#id_email", "dana@example.com")
    learner.click("text=Send the invitation")
    learner.wait_for_selector("main .alert")
    path = re.search(r"http://[^/]+(/portfolio/witness/[\w-]+/)", mail.outbox[-1].body).group(1)

    witness = new_page(PHONE)
    witness.goto(path)
    witness.fill("#id_testimony", "Lena calmed a queue of customers during the Saturday sale.")
    witness.fill("#id_date", evidence.date.isoformat())
    witness.fill("#id_signed_name", "Dana Reid")
    witness.check("#id_confirm")
    witness.click("text=Sign and send")
    witness.wait_for_selector("text=Thank you")
    screenshot(witness, "6-witness-done")
    assert Evidence.objects.filter(methods__code="WT", registration=world.registration).exists()
