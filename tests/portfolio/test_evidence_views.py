"""The evidence pages, as each role would use them: permissions, bad input, the whole journey, query counts."""

import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portfolio.models import CountersignStatus, CriterionDecision, Evidence, EvidenceLink
from portfolio.progress import registration_progress
from portfolio.services.judgement import judge_link, mark_criterion_met
from qualifications.models import AssessmentCriterion, AssessmentMethod
from tests import samples
from tests.portfolio.helpers import UNIT_A, UNIT_B, criteria_of, link_for, login, make_evidence, stored_files, today

pytestmark = pytest.mark.django_db


def _methods(*codes):
    return [str(pk) for pk in AssessmentMethod.objects.filter(code__in=codes).values_list("pk", flat=True)]


def _create_form(title="My service log", token="t1", **extra):
    return {
        "title": title,
        "date": today(1).isoformat(),
        "description": "What I did",
        "methods": _methods("PE", "RA"),
        "submission_token": token,
        **extra,
    }


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


# --- permissions: right user, wrong role, wrong centre, anonymous -------------------------------------------


def _pages(world, evidence, file):
    registration = world.registration
    unit = criteria_of(UNIT_A, 1)[0].unit
    return {
        "portfolio": reverse("portfolio:registration-portfolio", args=[registration.pk]),
        "unit": reverse("portfolio:unit-progress", args=[registration.pk, unit.pk]),
        "create": reverse("portfolio:evidence-create", args=[registration.pk]),
        "detail": reverse("portfolio:evidence-detail", args=[evidence.pk]),
        "link": reverse("portfolio:evidence-link", args=[evidence.pk]),
        "files": reverse("portfolio:evidence-files", args=[evidence.pk]),
        "withdraw": reverse("portfolio:evidence-withdraw", args=[evidence.pk]),
        "new_version": reverse("portfolio:evidence-new-version", args=[evidence.pk]),
        "judge": reverse("portfolio:evidence-judge", args=[evidence.pk]),
        "download": reverse("portfolio:file-download", args=[file.pk]),
        "witness": reverse("portfolio:witness-invite", args=[registration.pk]),
    }


# page -> expected status for: learner, assessor, iqa, other learner (same centre), other centre assessor
EXPECTED = {
    "portfolio": (200, 200, 200, 404, 404),
    "unit": (200, 200, 200, 404, 404),
    "create": (200, 200, 403, 404, 404),
    "detail": (200, 200, 200, 404, 404),
    "link": (200, 403, 403, 404, 404),
    "files": (200, 403, 403, 404, 404),
    "withdraw": (200, 200, 403, 404, 404),
    "new_version": (200, 403, 403, 404, 404),
    "judge": (403, 200, 403, 404, 404),
    "download": (200, 200, 200, 403, 404),  # files: 403 within the centre, 404 across (portfolio.views.files)
    "witness": (200, 200, 403, 404, 404),
}


@pytest.mark.parametrize("page", sorted(EXPECTED))
def test_each_page_as_each_role(client, world, page):
    evidence = make_evidence(world.registration, criteria=criteria_of(UNIT_A, 1), submit=False)
    file = evidence.files.get()
    url = _pages(world, evidence, file)[page]
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for user, expected in zip(
        [world.learner, world.assessor, world.iqa, world.other_learner, world.other_centre_assessor],
        EXPECTED[page],
        strict=True,
    ):
        login(client, user)
        assert client.get(url).status_code == expected, (page, user)


@pytest.mark.parametrize("name", ["assessor-queue", "countersign-queue"])
def test_assessor_pages_need_the_assessor_role(client, world, name):
    url = reverse(f"portfolio:{name}")
    assert client.get(url).status_code == 302
    for user, expected in [(world.learner, 403), (world.iqa, 403), (world.assessor, 200), (world.trainee, 200)]:
        login(client, user)
        assert client.get(url).status_code == expected


def test_posts_from_other_centres_find_nothing(client, world):
    theirs = make_evidence(world.other_centre_registration, criteria=criteria_of(UNIT_A, 1))
    login(client, world.assessor)
    c1 = criteria_of(UNIT_A, 1)[0]
    for url in [
        reverse("portfolio:evidence-submit", args=[theirs.pk]),
        reverse("portfolio:evidence-withdraw", args=[theirs.pk]),
        reverse("portfolio:evidence-judge", args=[theirs.pk]),
        reverse("portfolio:criterion-decide", args=[world.other_centre_registration.pk, c1.pk]),
        reverse("portfolio:countersign", args=["link", link_for(theirs, c1).pk]),
        reverse("portfolio:evidence-create", args=[world.other_centre_registration.pk]),
    ]:
        assert client.post(url, {"action": "mark", "reason": "x", "outcome": "confirm"}).status_code == 404, url
    assert link_for(theirs, c1).status == EvidenceLink.Status.PENDING


# --- bad input ----------------------------------------------------------------------------------------------


def test_linking_another_registrations_or_unplanned_criteria_is_refused(client, world):
    evidence = make_evidence(world.registration, submit=False)
    outside = AssessmentCriterion.objects.exclude(unit__reference__in=[UNIT_A, UNIT_B]).first()
    login(client, world.learner)
    url = reverse("portfolio:evidence-link", args=[evidence.pk])
    for bad in [outside.pk, "abc", 10**12]:
        response = client.post(url, {"criteria": [criteria_of(UNIT_A, 1)[0].pk, bad], "action": "save"}, follow=True)
        assert "not on this learner's plan" in " ".join(_messages(response))
    assert not evidence.links.exists()


def test_judging_a_link_of_other_evidence_is_refused(client, world):
    c1 = criteria_of(UNIT_A, 1)[0]
    mine = make_evidence(world.registration, criteria=[c1])
    other = make_evidence(world.other_registration, criteria=[c1])
    login(client, world.assessor)
    response = client.post(
        reverse("portfolio:evidence-judge", args=[mine.pk]),
        {f"decision-{link_for(other, c1).pk}": "accept", "confirm_vacs": "on"},
        follow=True,
    )
    assert "not linked to this evidence" in " ".join(_messages(response))
    assert link_for(other, c1).status == EvidenceLink.Status.PENDING


def test_deciding_a_criterion_outside_the_plan_is_refused(client, world):
    outside = AssessmentCriterion.objects.exclude(unit__reference__in=[UNIT_A, UNIT_B]).first()
    login(client, world.assessor)
    response = client.post(
        reverse("portfolio:criterion-decide", args=[world.registration.pk, outside.pk]), {"action": "mark"}, follow=True
    )
    assert "not on this learner's plan" in " ".join(_messages(response))
    assert not CriterionDecision.objects.exists()


def test_return_to_another_learners_evidence_is_ignored(client, world):
    c1 = criteria_of(UNIT_A, 1)[0]
    mine = make_evidence(world.registration, criteria=[c1])
    judge_link(actor=world.assessor, link=link_for(mine, c1), accepted=True)
    theirs = make_evidence(world.other_centre_registration, criteria=[c1])
    login(client, world.assessor)
    response = client.post(
        reverse("portfolio:criterion-decide", args=[world.registration.pk, c1.pk]),
        {"action": "mark", "return_to": theirs.pk},
    )
    assert response["Location"] == reverse("portfolio:unit-progress", args=[world.registration.pk, c1.unit_id])


def test_refused_upload_shows_why_and_saves_nothing(client, world, media_root):
    login(client, world.learner)
    url = reverse("portfolio:evidence-create", args=[world.registration.pk])
    response = client.post(
        url,
        _create_form(files=[samples.upload("fine.pdf", samples.pdf_bytes()), samples.upload("evil.svg", samples.SVG)]),
    )
    assert response.status_code == 200
    assert "“evil.svg” was not accepted" in response.text
    assert not Evidence.objects.exists()
    assert stored_files(media_root) == []


def test_file_over_the_limit_is_stopped_while_streaming(client, world, media_root, settings):
    settings.EVIDENCE_MAX_FILE_BYTES = 2048
    login(client, world.learner)
    response = client.post(
        reverse("portfolio:evidence-create", args=[world.registration.pk]),
        _create_form(files=[samples.upload("huge.pdf", samples.pdf_bytes() + b"%" * 4000)]),
    )
    assert response.status_code == 200
    text = " ".join(_messages(response))
    assert "“huge.pdf” is larger than the limit of 2.0\xa0KB a file" in text
    assert "Nothing was saved" in text
    assert not Evidence.objects.exists()
    assert stored_files(media_root) == []


def test_empty_file_is_refused(client, world, media_root):
    login(client, world.learner)
    response = client.post(
        reverse("portfolio:evidence-create", args=[world.registration.pk]),
        _create_form(files=[samples.upload("blank.jpg", b"")]),
    )
    assert "the file is empty" in " ".join(_messages(response))
    assert not Evidence.objects.exists()


def test_double_submitted_create_form_makes_one_piece_of_evidence(client, world, media_root):
    login(client, world.learner)
    url = reverse("portfolio:evidence-create", args=[world.registration.pk])
    first = client.post(url, _create_form(files=[samples.upload("a.pdf", samples.pdf_bytes())]))
    second = client.post(url, _create_form(files=[samples.upload("a.pdf", samples.pdf_bytes())]), follow=True)
    evidence = Evidence.objects.get()
    assert first["Location"] == reverse("portfolio:evidence-link", args=[evidence.pk])
    assert "already saved as reference 1" in " ".join(_messages(second))
    assert len(stored_files(media_root)) == 1


def test_html_in_titles_is_escaped_everywhere(client, world):
    title = '<script>alert("x")</script>'
    c1 = criteria_of(UNIT_A, 1)[0]
    evidence = make_evidence(world.registration, criteria=[c1], title=title)
    judge_link(actor=world.assessor, link=link_for(evidence, c1), accepted=False, feedback="<img src=x onerror=1>")
    make_evidence(world.registration, criteria=[c1], title=title)
    pages = [
        (world.learner, reverse("portfolio:registration-portfolio", args=[world.registration.pk])),
        (world.learner, reverse("portfolio:evidence-detail", args=[evidence.pk])),
        (world.learner, reverse("home")),
        (world.assessor, reverse("portfolio:assessor-queue")),
        (world.assessor, reverse("portfolio:evidence-judge", args=[evidence.pk])),
    ]
    for user, url in pages:
        login(client, user)
        text = client.get(url).text
        assert "<script>alert" not in text and "<img src=x" not in text, url
        assert "&lt;script&gt;" in text, url
    # The assessor's home names the evidence by number and learner ("Waiting for you"), not by its title.
    login(client, world.assessor)
    text = client.get(reverse("home")).text
    assert "<script>alert" not in text and "<img src=x" not in text


# --- the journey ------------------------------------------------------------------------------------------


def test_learner_assessor_trainee_and_witness_journey(client, world, media_root, django_capture_on_commit_callbacks):
    registration = world.registration
    a1, a2 = criteria_of(UNIT_A, 2)
    b1 = criteria_of(UNIT_B, 1)[0]

    # The learner takes a phone photo and adds a PDF.
    login(client, world.learner)
    response = client.post(
        reverse("portfolio:evidence-create", args=[registration.pk]),
        _create_form(
            photo=samples.upload("IMG_2041.jpg", samples.phone_photo_bytes(), "image/jpeg"),
            files=[samples.upload("Service log.pdf", samples.pdf_bytes(), "application/pdf")],
        ),
    )
    evidence = Evidence.objects.get()
    assert response["Location"] == reverse("portfolio:evidence-link", args=[evidence.pk])
    assert sorted(evidence.files.values_list("content_type", flat=True)) == ["application/pdf", "image/jpeg"]
    assert len(stored_files(media_root)) == 3  # photo, its thumbnail, PDF

    # ... links it to criteria in two units and submits, declaring it their own work.
    picker = client.get(reverse("portfolio:evidence-link", args=[evidence.pk]))
    assert a1.text[:40] in picker.text and "No evidence" in picker.text
    response = client.post(
        reverse("portfolio:evidence-link", args=[evidence.pk]),
        {"criteria": [a1.pk, a2.pk, b1.pk], "action": "submit", "declaration": "on"},
        follow=True,
    )
    assert "submitted to your assessor" in " ".join(_messages(response))
    evidence.refresh_from_db()
    assert evidence.status == Evidence.Status.SUBMITTED and evidence.declared_own_work_at

    # The assessor finds it in the queue, accepts two links (marking them met) and rejects one with feedback.
    login(client, world.assessor)
    assert "My service log" in client.get(reverse("portfolio:assessor-queue")).text
    response = client.post(
        reverse("portfolio:evidence-judge", args=[evidence.pk]),
        {
            f"decision-{link_for(evidence, a1).pk}": "accept",
            f"met-{link_for(evidence, a1).pk}": "on",
            f"decision-{link_for(evidence, a2).pk}": "accept",
            f"decision-{link_for(evidence, b1).pk}": "reject",
            f"feedback-{link_for(evidence, b1).pk}": "Show how you followed up the complaint.",
            "confirm_vacs": "on",
        },
        follow=True,
    )
    assert "Saved 3 judgements and marked 1 criterion met" in " ".join(_messages(response))
    response = client.post(
        reverse("portfolio:criterion-decide", args=[registration.pk, a2.pk]),
        {"action": "mark", "met_on": "", "return_to": evidence.pk},
        follow=True,
    )
    assert f"{a2.code} marked met on" in " ".join(_messages(response))
    assert registration_progress([registration])[registration.pk].met == 2

    # The learner sees the feedback at home and adds a new version.
    login(client, world.learner)
    home = client.get(reverse("home")).text
    assert "Show how you followed up the complaint." in home
    assert "needs a new version" in home
    response = client.post(
        reverse("portfolio:evidence-new-version", args=[evidence.pk]),
        _create_form(title="My service log, with follow-up", token="t2", keep_files="on"),
    )
    new = Evidence.objects.get(is_current=True)
    assert response["Location"] == reverse("portfolio:evidence-link", args=[new.pk])
    client.post(reverse("portfolio:evidence-submit", args=[new.pk]), {"declaration": "on"})
    new.refresh_from_db()
    assert (new.reference, new.version, new.status) == (1, 2, Evidence.Status.SUBMITTED)
    detail = client.get(reverse("portfolio:evidence-detail", args=[evidence.pk])).text
    assert "Version 2" in detail and "Show how you followed up the complaint." in detail

    # The trainee assessor's decision waits for countersignature, which the qualified assessor gives.
    trainee_evidence = make_evidence(world.trainee_registration, criteria=[a1])
    login(client, world.trainee)
    client.post(
        reverse("portfolio:evidence-judge", args=[trainee_evidence.pk]),
        {
            f"decision-{link_for(trainee_evidence, a1).pk}": "accept",
            f"met-{link_for(trainee_evidence, a1).pk}": "on",
            "confirm_vacs": "on",
        },
    )
    decision = CriterionDecision.objects.get(registration=world.trainee_registration)
    assert decision.countersign_status == CountersignStatus.AWAITING
    unit_page = client.get(reverse("portfolio:unit-progress", args=[world.trainee_registration.pk, a1.unit_id]))
    assert "Met, awaiting countersignature" in unit_page.text
    assert registration_progress([world.trainee_registration])[world.trainee_registration.pk].met == 0
    login(client, world.assessor)
    assert "awaiting your countersignature" in client.get(reverse("home")).text
    queue = client.get(reverse("portfolio:countersign-queue")).text
    assert world.trainee.full_name in queue
    client.post(reverse("portfolio:countersign", args=["decision", decision.pk]), {"outcome": "confirm"})
    client.post(
        reverse("portfolio:countersign", args=["link", link_for(trainee_evidence, a1).pk]), {"outcome": "confirm"}
    )
    decision.refresh_from_db()
    assert decision.countersign_status == CountersignStatus.CONFIRMED
    assert registration_progress([world.trainee_registration])[world.trainee_registration.pk].met == 1

    # A witness is invited and submits a testimony; it arrives for review.
    login(client, world.assessor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("portfolio:witness-invite", args=[registration.pk]),
            {"name": "Dana Reid", "job_title": "Manager", "relationship": "Line manager", "email": "d@example.com"},
        )
    token = re.search(r"/portfolio/witness/([\w-]+)/", mail.outbox[-1].body).group(1)
    client.logout()
    client.post(
        reverse("portfolio:witness-testimony", args=[token]),
        {"testimony": "Calm and polite", "date": today(3).isoformat(), "signed_name": "Dana Reid", "confirm": "on"},
    )
    testimony = Evidence.objects.get(methods__code="WT")
    assert testimony.reference == 2

    # Progress shows everywhere.
    login(client, world.assessor)
    queue = client.get(reverse("portfolio:assessor-queue")).text
    assert "Witness testimony from Dana Reid" in queue
    portfolio = client.get(reverse("portfolio:registration-portfolio", args=[registration.pk])).text
    assert "<strong>2</strong> of" in portfolio
    history = client.get(reverse("portfolio:evidence-detail", args=[new.pk])).text
    for words in [
        "Added evidence 1",
        "Linked evidence 1",
        "Submitted evidence 1",
        "Rejected evidence 1",
        "Marked J/600/1003",
        "Added version 2",
    ]:
        assert words in history, words


# --- query counts -----------------------------------------------------------------------------------------


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _grow(world, n):
    criteria = criteria_of(UNIT_A, 6) + criteria_of(UNIT_B, 6)
    for i in range(n):
        evidence = make_evidence(
            world.registration,
            criteria=criteria[i % 6 : i % 6 + 4],
            files=[samples.upload(f"p{i}.png", samples.png_bytes()), samples.upload("x.pdf", samples.pdf_bytes())],
        )
        for link in evidence.links.all():
            judge_link(actor=world.assessor, link=link, accepted=True)
        if i % 2 and not CriterionDecision.objects.filter(criterion=criteria[i % 6], is_met=True).exists():
            mark_criterion_met(actor=world.assessor, registration=world.registration, criterion=criteria[i % 6])
    return evidence


# The judging page also asks the conflicts policy whether the assessor declared an interest in the learner (one
# query) and reads the learner's approved adjustments (one).
# The evidence and unit pages read their conversation's messages (one query: conversations.selectors), and every
# page includes the header bell's unread count (one query).
PAGE_QUERIES = {"portfolio": 11, "detail": 11, "queue": 8, "judge": 12, "unit": 10, "link": 9}  # no more than today


@pytest.mark.parametrize(
    ("user", "page"),
    [
        ("learner", "portfolio"),
        ("learner", "detail"),
        ("learner", "unit"),
        ("learner", "link"),
        ("assessor", "queue"),
        ("assessor", "judge"),
    ],
)
def test_page_queries_do_not_grow_with_the_portfolio(client, world, user, page):
    login(client, getattr(world, user))

    def url(evidence):
        if page == "link":  # the learner links a draft, beside every criterion of the plan and its guidance
            evidence = make_evidence(world.registration, criteria=criteria_of(UNIT_A, 1), submit=False)
        return {
            "unit": reverse("portfolio:unit-progress", args=[world.registration.pk, criteria_of(UNIT_B, 1)[0].unit_id]),
            "link": reverse("portfolio:evidence-link", args=[evidence.pk]),
            "portfolio": reverse("portfolio:registration-portfolio", args=[world.registration.pk]),
            "detail": reverse("portfolio:evidence-detail", args=[evidence.pk]),
            "queue": reverse("portfolio:assessor-queue"),
            "judge": reverse("portfolio:evidence-judge", args=[evidence.pk]),
        }[page]

    small = _grow(world, 2)
    make_evidence(world.registration, criteria=criteria_of(UNIT_A, 2))
    make_evidence(world.other_registration, criteria=criteria_of(UNIT_A, 2))
    before = _count(client, url(small))
    large = _grow(world, 8)
    for _ in range(5):
        make_evidence(world.registration, criteria=criteria_of(UNIT_B, 3))
    after = _count(client, url(large))
    assert after == before <= PAGE_QUERIES[page], (page, before, after)


def test_post_only_views_as_each_role(client, world):
    c1 = criteria_of(UNIT_A, 1)[0]
    draft = make_evidence(world.registration, criteria=[c1], submit=False)
    trainee_evidence = make_evidence(world.trainee_registration, criteria=[c1])
    judge_link(actor=world.trainee, link=link_for(trainee_evidence, c1), accepted=True)
    submit = reverse("portfolio:evidence-submit", args=[draft.pk])
    decide = reverse("portfolio:criterion-decide", args=[world.registration.pk, c1.pk])
    countersign = reverse("portfolio:countersign", args=["link", link_for(trainee_evidence, c1).pk])
    for url in (submit, decide, countersign):
        response = client.post(url, {"action": "mark", "outcome": "confirm"})
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        assert client.get(url).status_code in (302, 405)
    cases = [
        (submit, world.iqa, 403),
        (submit, world.other_learner, 404),
        (submit, world.other_centre_assessor, 404),
        (decide, world.iqa, 403),
        (decide, world.learner, 403),
        (decide, world.other_centre_assessor, 404),
        (countersign, world.iqa, 403),
        (countersign, world.other_assessor, 404),
        (countersign, world.learner, 404),
        (countersign, world.other_centre_assessor, 404),
    ]
    for url, user, expected in cases:
        login(client, user)
        assert (
            client.post(url, {"action": "mark", "outcome": "confirm", "declaration": "on"}).status_code == expected
        ), (
            url,
            user,
        )
    draft.refresh_from_db()
    assert draft.status == Evidence.Status.DRAFT
    assert link_for(trainee_evidence, c1).countersign_status == CountersignStatus.AWAITING
    login(client, world.assessor)
    assert client.post(countersign, {"outcome": "confirm"}).status_code == 302
    assert link_for(trainee_evidence, c1).countersign_status == CountersignStatus.CONFIRMED


def test_a_locked_unit_is_shown_as_locked_not_as_signed_off(client, world):
    """The assessor's signature locks the unit, but it may still await a countersignature: the portfolio pages,
    which do not read the signatures, say only what is true in every case."""
    from django.utils import timezone

    from portfolio.models import RegistrationUnit

    a1 = criteria_of(UNIT_A, 1)[0]
    evidence = make_evidence(world.registration, criteria=[a1])
    RegistrationUnit.objects.filter(registration=world.registration, unit=a1.unit).update(locked_at=timezone.now())
    login(client, world.learner)
    for url in (
        reverse("portfolio:registration-portfolio", args=[world.registration.pk]),
        reverse("portfolio:unit-progress", args=[world.registration.pk, a1.unit.pk]),
        reverse("portfolio:evidence-link", args=[evidence.pk]),
    ):
        page = client.get(url).text
        assert "Locked for sign-off" in page, url
        assert "its evidence cannot change until the unit is reopened" in page, url
        assert "signed off" not in page.lower(), url
    unit_page = client.get(reverse("portfolio:unit-progress", args=[world.registration.pk, a1.unit.pk])).text
    assert f"Locked for sign-off since {timezone.localdate():%d/%m/%Y}" in unit_page


def test_picker_keeps_links_in_a_signed_off_unit_while_linking_another(client, world):
    from django.utils import timezone

    from portfolio.models import RegistrationUnit

    a1 = criteria_of(UNIT_A, 1)[0]
    b1 = criteria_of(UNIT_B, 1)[0]
    evidence = make_evidence(world.registration, criteria=[a1])
    RegistrationUnit.objects.filter(registration=world.registration, unit=a1.unit).update(locked_at=timezone.now())
    login(client, world.learner)
    url = reverse("portfolio:evidence-link", args=[evidence.pk])
    page = client.get(url).text
    assert "This unit is locked for sign-off" in page
    kept = re.findall(r'<input type="hidden" name="criteria" value="(\d+)">', page)
    assert kept == [str(a1.pk)]
    response = client.post(url, {"criteria": [*kept, b1.pk], "action": "save"}, follow=True)
    assert "1 added, 0 removed" in " ".join(_messages(response))
    response = client.post(url, {"criteria": [b1.pk], "action": "save"}, follow=True)
    assert "This unit is locked for sign-off; ask the assessor to reopen it" in " ".join(_messages(response))
    assert set(evidence.links.values_list("criterion_id", flat=True)) == {a1.pk, b1.pk}


def test_the_criteria_a_piece_shows_are_in_unit_then_printed_order_whatever_order_they_were_linked_in(client, world):
    later_unit, first_unit = criteria_of(UNIT_A, 3), criteria_of(UNIT_B, 2)
    linked_in = [*reversed(later_unit), *reversed(first_unit)]
    evidence = make_evidence(world.registration, criteria=linked_in)
    html = login(client, world.learner).get(reverse("portfolio:evidence-detail", args=[evidence.pk])).content.decode()
    codes = re.findall(r'<span class="criterion-code">([^<]+)</span>', html)  # each row: its unit, its criterion
    assert UNIT_B < UNIT_A  # J/600/0658 is listed before J/600/1003
    expected = [(UNIT_B, criterion.code) for criterion in first_unit] + [(UNIT_A, c.code) for c in later_unit]
    assert list(zip(codes[::2], codes[1::2], strict=True)) == expected
