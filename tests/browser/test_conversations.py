"""On a 390-px phone: the assessor accepts a whole piece of evidence with one feedback and lands on the next piece
in their queue; the learner sees the evidence accepted, its PDF's pages as images drawn by the server, and replies
in the evidence's conversation. Pages audited (no sideways scrolling, axe, no CSP report: the page images included).
Screenshots in test-artifacts/screenshots/test_accept_all_then_the_learner_replies/."""

import re

import pytest

from conversations.models import Message
from portfolio.models import EvidenceLink
from tests import samples
from tests.browser.audit import PHONE, Findings, audit_page, watch_csp
from tests.browser.helpers import login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_accept_all_then_the_learner_replies(new_page, browser_world, tmp_path, settings):
    from tests.portfolio.helpers import UNIT_A, UNIT_B, criteria_of, make_evidence

    settings.MEDIA_ROOT = tmp_path / "media"
    world = browser_world
    first = make_evidence(
        world.registration,
        criteria=criteria_of(UNIT_A, 3),
        title="Service desk log",
        files=[samples.upload("Service log.pdf", samples.multi_page_pdf(2), "application/pdf")],
    )
    second = make_evidence(world.registration, criteria=criteria_of(UNIT_B, 1), title="Complaint follow-up")
    findings = Findings()

    assessor = new_page(PHONE)
    assessor_csp = watch_csp(assessor)
    login(assessor, world.assessor.email)
    assessor.goto(f"/portfolio/evidence/{first.pk}/judge/")
    audit_page(assessor, "judge", findings, assessor_csp)
    assessor.fill("#overall_feedback", "A clear, dated log: it meets all three criteria.")
    assessor.check("#confirm_vacs")
    screenshot(assessor, "1-accept-all")
    assessor.get_by_role("button", name="Accept all").click()
    assessor.wait_for_url(re.compile(rf"/portfolio/evidence/{second.pk}/judge/$"))
    assert "Saved 3 judgements and marked 3 criteria met" in assessor.locator("main").inner_text()
    assert "Complaint follow-up" in assessor.locator("h1").inner_text()
    screenshot(assessor, "2-next-item")
    assert set(first.links.values_list("status", flat=True)) == {EvidenceLink.Status.ACCEPTED}

    learner = new_page(PHONE)
    learner_csp = watch_csp(learner)
    login(learner, world.learner.email)
    learner.goto(f"/portfolio/evidence/{first.pk}/")
    assert learner.locator("[data-state]").first.inner_text() == "Accepted"
    pages = learner.locator(".evidence-page img")
    assert pages.count() == 2 and learner.locator("iframe").count() == 0
    assert pages.first.get_attribute("alt") == "Page 1 of 2: Service log.pdf"
    pages.first.scroll_into_view_if_needed()
    # The image really arrived and decoded (a lazily loaded <img> of a refused or broken answer has no width).
    learner.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=pages.first.element_handle())
    assert pages.first.evaluate("img => img.getBoundingClientRect().right") <= 390
    screenshot(learner, "3-pdf-pages")
    audit_page(learner, "evidence", findings, learner_csp)
    learner.fill("textarea[name=body]", "Thank you. Shall I add the complaint log next?")
    learner.get_by_role("button", name="Send").click()
    learner.wait_for_url(re.compile(rf"/portfolio/evidence/{first.pk}/#thread-evidence-{first.pk}$"))
    assert "Shall I add the complaint log next?" in learner.locator(".thread").inner_text()
    screenshot(learner, "4-reply")
    audit_page(learner, "evidence after reply", findings, learner_csp)
    message = Message.objects.get()
    assert message.author == world.learner and message.thread.evidence_reference == first.reference
    assert not findings.problems, findings.problems
