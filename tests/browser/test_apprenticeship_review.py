"""An apprenticeship progress review signed by all three: the learner and the assessor sign in, and the employer
signs on a phone (390 px wide) through the one-time link emailed to them; the used link is then refused."""

import re

from django.core import mail
from django.utils import timezone

from tests.browser.helpers import login, screenshot

PHONE = {"width": 390, "height": 844}


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide on a 390px phone"


def test_employer_signs_a_review_through_the_link_on_a_phone(new_page, browser_world):
    from apprenticeships.services.reviews import record_review
    from apprenticeships.services.signing import sign_review
    from tests.apprenticeships.helpers import make_apprenticeship

    world = browser_world
    apprenticeship = make_apprenticeship(world)
    review = record_review(
        actor=world.assessor,
        review=apprenticeship.reviews.get(),
        held_on=timezone.localdate(),
        targets_set="Observation of a complaint handled at the front desk",
        targets_met="Induction complete",
        english_maths="Maths exempt (GCSE grade 4)",
        wellbeing="Settled",
        safeguarding="No concerns",
        employer_comments="Reliable and friendly with guests",
    )
    sign_review(actor=world.learner, review=review, role="learner", content_hash=review.content_hash, ip_address=None)

    assessor = new_page(PHONE)
    login(assessor, world.assessor.email)
    assessor.goto(f"/apprenticeships/reviews/{review.pk}/")
    _no_sideways_scroll(assessor)
    assessor.click("text=Sign for the provider")
    assessor.wait_for_selector("text=You have signed the review")
    assessor.click("text=Email the employer a link to sign")
    assessor.wait_for_selector("text=has been emailed a link to sign")
    screenshot(assessor, "1-assessor-sent-link")

    path = re.search(r"http://[^/]+(/apprenticeships/sign/[\w-]+/)", mail.outbox[-1].body).group(1)
    employer = new_page(PHONE)
    employer.goto(path)
    employer.wait_for_selector("text=Progress review")
    _no_sideways_scroll(employer)
    screenshot(employer, "2-employer-reads")
    employer.fill("#id_signed_name", "Erin Employer")
    employer.check("#id_confirm")
    employer.click("main button[type=submit]")
    employer.wait_for_selector("text=your signature has been recorded")
    screenshot(employer, "3-employer-signed")

    employer.goto(path)
    assert "Ask the provider to send you a new link" in employer.inner_text("main")
    _no_sideways_scroll(employer)

    review.refresh_from_db()
    assert review.completed_at is not None and review.next_review_on is not None
    signature = review.signatures.get(role="employer")
    assert signature.signed_name == "Erin Employer" and signature.ip_address
    assessor.goto(f"/apprenticeships/reviews/{review.pk}/")
    assessor.wait_for_selector("text=Signed by all three")
    screenshot(assessor, "4-signed-by-all-three")


def test_apprenticeship_pages_fit_a_phone(new_page, browser_world):
    from tests.apprenticeships.helpers import make_apprenticeship

    world = browser_world
    apprenticeship = make_apprenticeship(world)
    learner = new_page(PHONE)
    login(learner, world.learner.email)
    registration = world.registration.pk
    for path in (
        f"/apprenticeships/registrations/{registration}/",
        f"/apprenticeships/registrations/{registration}/otj/",
        f"/apprenticeships/registrations/{registration}/gateway/",
        f"/apprenticeships/reviews/{apprenticeship.reviews.get().pk}/",
    ):
        learner.goto(path)
        _no_sideways_scroll(learner)
    # A refused entry: the reason is shown and nothing is stored.
    learner.goto(f"/apprenticeships/registrations/{registration}/otj/")
    learner.fill("#id_date", timezone.localdate().isoformat())
    learner.fill("#id_hours", "2")
    learner.select_option("#id_activity_type", "english_maths")
    learner.fill("#id_description", "Functional skills maths")
    for box in ("#id_new_learning", "#id_relevant_to_standard", "#id_within_paid_hours"):
        learner.check(box)
    learner.click("main form button[type=submit]")
    learner.wait_for_selector("text=English and maths do not count as off-the-job training")
    _no_sideways_scroll(learner)
    screenshot(learner, "otj-refused")
    assert not apprenticeship.otj_entries.exists()
