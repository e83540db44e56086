"""The whole life of a portfolio, in a real browser, as each person would do it.

A centre admin registers a learner; the learner sets a password from the emailed link, uploads a photo and a
PDF, links them to the criteria of both units and submits; the assessor accepts and marks met; learner and
assessor sign both units; a trainee assessor's sign-off (another learner) is countersigned; the IQA plans,
samples and signs; the admin shares the portfolio with the EQA, who opens it and signs; the downloaded PDF shows
criteria, methods, evidence references, dates and signatures. Every step leaves a screenshot in
test-artifacts/screenshots/test_portfolio_from_registration_to_eqa_signature/.
"""

import datetime as dt
import re
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.utils import timezone

from portfolio.models import EvidenceLink, Registration
from tests import samples
from tests.browser.helpers import login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "Correct-Horse-Battery-9"


def _d(day: dt.date) -> str:
    return day.isoformat()


def _expect_message(page, text: str) -> None:
    """The page shows a message (Django's messages, at the top of the main area) containing the text."""
    from playwright.sync_api import expect

    expect(page.locator("main .alert").filter(has_text=text).first).to_be_visible()


def _trainee_unit_ready_for_sign_off(world):
    """The trainee's learner: evidence met by the trainee and countersigned, and signed by the learner."""
    from portfolio.models import CriterionDecision
    from portfolio.services.judgement import countersign_decision, countersign_link
    from tests.security.flows import meet_unit, sign
    from tracking.models import SignatureRole

    registration = world.trainee_registration
    unit = registration.plan.order_by("unit__reference").first().unit
    evidence = meet_unit(registration, unit, assessor=world.trainee)
    for link in EvidenceLink.objects.filter(evidence=evidence):
        countersign_link(actor=world.assessor, link=link, confirm=True, note="Agreed.")
    for decision in CriterionDecision.objects.filter(registration=registration):
        countersign_decision(actor=world.assessor, decision=decision, confirm=True, note="Agreed.")
    sign(registration, unit, registration.learner, SignatureRole.LEARNER)
    return registration, unit


def test_portfolio_from_registration_to_eqa_signature(new_page, browser_world, live_server, tmp_path):
    world = browser_world
    today = timezone.localdate()

    # 1. The centre admin registers a learner.
    admin = new_page()
    login(admin, world.admin.email)
    admin.goto("/portfolio/registrations/new/")
    admin.check(f"input[name=qualification][value='{world.registration.qualification_id}']")  # 600/5472/4
    screenshot(admin, "01-admin-chooses-qualification")
    admin.get_by_role("button", name="Continue").click()
    admin.fill("input[name=full_name]", "Jamie Journey")
    admin.fill("input[name=email]", "jamie@example.test")
    admin.fill("input[name=date_of_birth]", "2001-05-17")
    admin.fill("input[name=start_date]", _d(today - dt.timedelta(days=30)))
    admin.fill("input[name=planned_end_date]", _d(today + dt.timedelta(days=300)))
    admin.select_option("select[name=assessor]", str(world.assessor.pk))
    admin.select_option("select[name=iqa]", str(world.iqa.pk))
    # The identity check: nothing can be marked met until it is recorded.
    admin.select_option("select[name=id_document_type]", "Passport")
    admin.select_option("select[name=id_checked_by]", str(world.admin.pk))
    admin.fill("input[name=id_checked_on]", _d(today - dt.timedelta(days=30)))
    screenshot(admin, "02-admin-fills-registration")
    admin.get_by_role("button", name="Register the learner").click()
    _expect_message(admin, "is registered on 600/5472/4")
    screenshot(admin, "03-learner-registered")
    registration = Registration.objects.get(learner__email="jamie@example.test")
    units = [entry.unit for entry in registration.plan.select_related("unit").order_by("unit__reference")]
    assert len(units) == 2

    # 2. The learner sets a password from the emailed invitation and signs in.
    invitation = next(message for message in mail.outbox if "jamie@example.test" in message.to)
    link = re.search(r"https?://\S+/centres/invitations/\S+/", invitation.body).group(0)
    learner = new_page(viewport={"width": 390, "height": 844})  # a phone
    learner.goto(urlparse(link).path)
    screenshot(learner, "04-learner-opens-invitation")
    learner.fill("input[name=new_password1]", NEW_PASSWORD)
    learner.fill("input[name=new_password2]", NEW_PASSWORD)
    learner.locator("main button[type=submit]").click()
    login(learner, "jamie@example.test", NEW_PASSWORD)
    screenshot(learner, "05-learner-home")

    # 3. The learner uploads a photo and a PDF, links them to both units' criteria and submits.
    learner.goto(f"/portfolio/registrations/{registration.pk}/portfolio/evidence/new/")
    learner.fill("input[name=title]", "Handling a customer complaint")
    learner.fill("textarea[name=description]", "I took the complaint, logged it and agreed a refund.")
    learner.get_by_label("Reflective account (RA)").check()  # nothing is ticked in advance
    learner.get_by_label("Product evidence (PE)").check()
    photo, document = tmp_path / "till-receipt.png", tmp_path / "complaint-log.pdf"
    photo.write_bytes(samples.png_bytes((640, 480)))
    document.write_bytes(samples.pdf_bytes())
    learner.set_input_files("input[name=photo]", str(photo))
    learner.set_input_files("input[name=files]", str(document))
    screenshot(learner, "06-learner-adds-evidence")
    learner.get_by_role("button", name="Save and continue").click()
    learner.wait_for_url(re.compile(r"/evidence/\d+/link/"))  # the upload script shows progress, then moves on
    _expect_message(learner, "saved as a draft")
    closed = learner.locator("details.criteria-unit:not([open]) > summary")
    while closed.count():
        closed.first.click()  # units fold: open each one
    for box in learner.locator("input[name=criteria][type=checkbox]").all():
        box.check()
    learner.check("#declaration")
    screenshot(learner, "07-learner-links-criteria-of-two-units")
    learner.get_by_role("button", name="Save links and submit").click()
    _expect_message(learner, "submitted to your assessor")
    screenshot(learner, "08-evidence-submitted")
    evidence = registration.evidence.get()
    assert evidence.files.count() == 2
    assert {link.criterion.unit_id for link in evidence.links.select_related("criterion")} == {u.pk for u in units}

    # 4. The assessor accepts every link and marks the criteria met.
    assessor = new_page()
    login(assessor, world.assessor.email)
    assessor.goto("/portfolio/assessment/queue/")
    screenshot(assessor, "09-assessor-queue")
    assessor.goto(f"/portfolio/evidence/{evidence.pk}/judge/")
    for radio in assessor.locator("input[type=radio][value=accept]").all():
        radio.check()
    assessor.check("#confirm_vacs")
    screenshot(assessor, "10-assessor-accepts")
    assessor.get_by_role("button", name="Save judgements").click()
    screenshot(assessor, "11-judgements-saved")
    assert not evidence.links.exclude(status=EvidenceLink.Status.ACCEPTED).exists()
    assert registration.decisions.filter(is_met=True).count() == evidence.links.count()

    # 5. Learner, then assessor, sign both units' tracking sheets.
    for unit in units:
        sheet = f"/tracking/registrations/{registration.pk}/units/{unit.pk}/"
        learner.goto(sheet)
        learner.check("#declaration")
        learner.get_by_role("button", name="Sign as Learner").click()
        _expect_message(learner, "You signed")
        assessor.goto(sheet)
        assessor.get_by_role("button", name="Sign as Assessor").click()
        _expect_message(assessor, "You signed")
    screenshot(learner, "12-learner-signed")
    screenshot(assessor, "13-assessor-signed")

    # 6. A trainee assessor signs another learner's unit; their countersignatory countersigns the sign-off.
    trainee_registration, trainee_unit = _trainee_unit_ready_for_sign_off(world)
    trainee = new_page()
    login(trainee, world.trainee.email)
    trainee_sheet = f"/tracking/registrations/{trainee_registration.pk}/units/{trainee_unit.pk}/"
    trainee.goto(trainee_sheet)
    trainee.get_by_role("button", name="Sign as Assessor").click()
    _expect_message(trainee, "You signed")
    screenshot(trainee, "14-trainee-signed")
    assessor.goto(trainee_sheet)
    assessor.get_by_role("button", name=re.compile("Sign as countersign", re.IGNORECASE)).click()
    _expect_message(assessor, "You signed")
    screenshot(assessor, "15-countersigned")

    # 7. The IQA plans sampling, takes a summative sample of both units and so signs them.
    iqa = new_page()
    login(iqa, world.iqa.email)
    iqa.goto("/quality/plans/new/")
    iqa.select_option("select[name=qualification]", str(registration.qualification_id))
    iqa.fill("input[name=period_start]", _d(today - dt.timedelta(days=60)))
    iqa.fill("input[name=period_end]", _d(today + dt.timedelta(days=120)))
    if iqa.locator("[name=locations]").count():
        iqa.fill("[name=locations]", "Workplace")
    iqa.get_by_role("button", name="Create the plan").click()
    screenshot(iqa, "16-iqa-plan")
    iqa.get_by_role("link", name="Take a sample").click()
    iqa.get_by_role("link", name=re.compile("Summative sample of Jamie Journey")).click()
    # .all() does not wait: wait for the next page's controls before listing them, or a slow page lists none.
    unit_boxes = iqa.locator("input[name=unit][type=checkbox]:not([disabled])")
    unit_boxes.first.wait_for()
    for box in unit_boxes.all():
        box.check()
    iqa.get_by_role("button", name="Review the decisions").click()
    outcome_selects = iqa.locator("select[name^=all-]")
    outcome_selects.first.wait_for()
    for select in outcome_selects.all():
        select.select_option("agree")
    iqa.fill("input[name=location]", "Workplace")
    iqa.fill("textarea[name=feedback]", "Sound judgements, well evidenced.")
    screenshot(iqa, "17-iqa-reviews")
    iqa.get_by_role("button", name="Record the sample").click()
    if "/samples/new/" in iqa.url:  # the form came back: show why
        errors = iqa.locator(".invalid-feedback, .alert, .errorlist").all_inner_texts()
        raise AssertionError(f"the sample was not recorded: {errors}")
    _expect_message(iqa, "signed on the IQA line")
    screenshot(iqa, "18-iqa-sample-recorded")

    # 8. The admin shares the portfolio with the EQA, who opens it and signs.
    admin.goto(f"/quality/centres/{world.centre.pk}/shares/new/")
    admin.select_option("select[name=eqa]", str(world.eqa.pk))
    admin.fill("input[name=starts_on]", _d(today))
    admin.fill("input[name=ends_on]", _d(today + dt.timedelta(days=30)))
    admin.locator(f"input[name=items][value='{registration.pk}']").check()
    screenshot(admin, "19-admin-shares-with-eqa")
    admin.get_by_role("button", name="Share").click()
    eqa = new_page()
    login(eqa, world.eqa.email)
    eqa.goto("/quality/eqa/")
    screenshot(eqa, "20-eqa-home")
    eqa.get_by_role("link", name=re.compile("Jamie Journey")).first.click()
    for unit in units:
        eqa.get_by_role("button", name=f"Sign EQS for {unit.reference}").click()
        _expect_message(eqa, "You signed the EQS line")
    screenshot(eqa, "21-eqa-signed")

    # 9. The whole-registration PDF shows criteria, methods, references, dates and every signature.
    assessor.goto(f"/tracking/registrations/{registration.pk}/")
    assessor.get_by_role("button", name="Build the PDF").click()
    screenshot(assessor, "22-pdf-ready")
    with assessor.expect_download() as download_info:
        assessor.get_by_role("link", name=re.compile("^Download")).click()
    from tests.browser.helpers import ARTIFACTS, _test_folder

    pdf_path = ARTIFACTS / _test_folder() / "portfolio.pdf"
    download_info.value.save_as(pdf_path)
    text = _pdf_text(pdf_path)
    methods = r"\W+".join(sorted(evidence.methods.values_list("code", flat=True), key=["PE", "RA"].index))
    met_on = registration.decisions.order_by("met_on").first().met_on.strftime("%d/%m/%Y")
    for unit in units:
        assert unit.reference in text and unit.title in text
        for criterion in unit.criteria.order_by("learning_outcome__number", "code")[:3]:
            # One row of the sheet: the criterion, the methods, the evidence reference and the date it was met.
            row = rf"{re.escape(criterion.code)} .*{methods}\s+{evidence.reference}\s+{re.escape(met_on)}"
            assert re.search(row, text), f"no row for {criterion.code} with {methods}, {evidence.reference}, {met_on}"
    days = {today, timezone.localdate()}  # the run may cross midnight
    signed = "Date:\\s+(?:" + "|".join(re.escape(day.strftime("%d/%m/%Y")) for day in days) + ")"
    for label, person in [
        ("Learner Signature", registration.learner),
        ("Assessor Signature", world.assessor),
        (r"IQA Signature \(if sampled\)", world.iqa),
        (r"EQS Signature \(if sampled\)", world.eqa),
    ]:
        found = re.findall(rf"{label}\s+{re.escape(person.full_name)},.*{signed}", text)
        assert len(found) == len(units), f"{label} of {person} on each unit's sheet"
    _render_first_page(pdf_path)


def _pdf_text(pdf_path) -> str:
    """The PDF's text laid out as on the page (poppler's pdftotext, which scripts/test installs), else pypdf's."""
    import shutil
    import subprocess

    if shutil.which("pdftotext"):
        return subprocess.run(
            ["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, text=True, check=True, timeout=60
        ).stdout
    from pypdf import PdfReader

    return "\n".join(page.extract_text(extraction_mode="layout") or "" for page in PdfReader(pdf_path).pages)


def _render_first_page(pdf_path) -> None:
    """Keep a picture of the PDF's first page beside the screenshots (when poppler's pdftoppm is there)."""
    import shutil
    import subprocess

    from tests.browser.helpers import ARTIFACTS, _test_folder

    if shutil.which("pdftoppm"):
        target = ARTIFACTS / _test_folder() / "23-pdf-first-page"
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf_path), str(target)],
            check=False,
            timeout=60,
        )
