"""The apprenticeship pages as each person uses them: refusals shown with their reason, the employer contact's
pages (own apprentices only; another employer's apprentice is a 404), the funding CSV, the home-page panels, and
query counts that do not grow with the number of apprentices or entries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apprenticeships.models import CentreApprenticeshipSettings, OtjEntry
from apprenticeships.services.links import send_employer_link
from apprenticeships.services.otj_log import record_otj_entry
from apprenticeships.services.reviews import record_review
from apprenticeships.services.signing import sign_with_employer_link
from portfolio.models import Evidence
from tests.apprenticeships.helpers import make_apprentice_registration, make_apprenticeship
from tests.factories import make_registration, make_user

from .helpers import signed_in

pytestmark = pytest.mark.django_db


def _entry(world, apprenticeship, days_ago=2, hours="2"):
    return record_otj_entry(
        actor=apprenticeship.registration.learner,
        apprenticeship=apprenticeship,
        date=timezone.localdate() - dt.timedelta(days=days_ago),
        hours=Decimal(hours),
        activity_type="theory",
        description="Complaints workshop",
        new_learning=True,
        relevant_to_standard=True,
        within_paid_hours=True,
    )


def _otj_post(**changes) -> dict:
    return {
        "date": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        "hours": "2.5",
        "activity_type": "theory",
        "description": "Role play: difficult customers",
        "new_learning": "on",
        "relevant_to_standard": "on",
        "within_paid_hours": "on",
    } | changes


def test_learner_records_otj_and_sees_it(world, apprenticeship):
    client = signed_in(world.learner)
    url = reverse("apprenticeships:otj", args=[world.registration.pk])
    response = client.post(url, _otj_post())
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Role play: difficult customers" in page and "2.5 h" in page


def test_refused_otj_entry_shows_its_reason_and_stores_nothing(world, apprenticeship):
    client = signed_in(world.learner)
    url = reverse("apprenticeships:otj", args=[world.registration.pk])
    response = client.post(url, _otj_post(activity_type="english_maths"))
    assert response.status_code == 200
    assert "English and maths do not count as off-the-job training" in response.content.decode()
    assert not OtjEntry.objects.exists()
    page = client.get(url).content.decode()
    assert 'id="otj-refusals"' in page and "English and maths do not count" in page


def test_future_otj_entry_refused_on_the_page(world, apprenticeship):
    client = signed_in(world.assessor)
    url = reverse("apprenticeships:otj", args=[world.registration.pk])
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client.post(url, _otj_post(date=tomorrow))
    assert "The date is in the future" in response.content.decode()
    assert not OtjEntry.objects.exists()


def test_employer_contact_sees_own_apprentice_and_another_employers_is_404(world, apprenticeship):
    other_registration = make_registration(world.centre, assessor=world.assessor, iqa=world.iqa)
    other = make_apprenticeship(
        world,
        registration=other_registration,
        employer_name="Seaside Stores",
        contact_name="Sam Seaside",
        contact_email="sam@seaside.test",
    )
    erin = apprenticeship.employer_contact.user
    client = signed_in(erin)
    home = client.get(reverse("apprenticeships:employer-home")).content.decode()
    assert world.learner.full_name in home and other_registration.learner.full_name not in home
    assert client.get(reverse("apprenticeships:employer-apprentice", args=[apprenticeship.pk])).status_code == 200
    assert client.get(reverse("apprenticeships:employer-apprentice", args=[other.pk])).status_code == 404
    # The portfolio itself is not theirs to open.
    assert client.get(reverse("apprenticeships:detail", args=[world.registration.pk])).status_code == 404
    assert client.get(reverse("portfolio:registration-portfolio", args=[world.registration.pk])).status_code == 404


def test_employer_sees_evidence_only_when_the_centre_allows(world, apprenticeship):
    Evidence.objects.create(
        registration=world.registration,
        reference=1,
        title="Complaint log",
        date=timezone.localdate(),
        author=world.learner,
        status=Evidence.Status.SUBMITTED,
    )
    client = signed_in(apprenticeship.employer_contact.user)
    url = reverse("apprenticeships:employer-apprentice", args=[apprenticeship.pk])
    assert "Complaint log" not in client.get(url).content.decode()
    CentreApprenticeshipSettings.objects.create(centre=world.centre, employers_see_evidence=True)
    assert "Complaint log" in client.get(url).content.decode()


def test_employer_link_page_after_use_tells_them_to_ask_for_a_new_link(world, apprenticeship):
    plan = apprenticeship.training_plans.get()
    _link, token = send_employer_link(actor=world.assessor, training_plan=plan)
    url = reverse("apprenticeships:employer-sign", args=[token])
    client = Client()
    assert client.get(url).status_code == 200
    response = client.post(url, {"signed_name": "Erin Employer", "confirm": "on"})
    assert "your signature has been recorded" in response.content.decode()
    again = client.get(url)
    assert again.status_code == 410 and "Ask the provider to send you a new link" in again.content.decode()


def test_employer_link_after_content_changed_is_refused_on_the_page(world, apprenticeship):
    review = apprenticeship.reviews.get()
    fields = {
        "held_on": timezone.localdate(),
        "targets_set": "One",
        "targets_met": "",
        "english_maths": "",
        "wellbeing": "Fine",
        "safeguarding": "None",
        "employer_comments": "",
    }
    review = record_review(actor=world.assessor, review=review, **fields)
    _link, token = send_employer_link(actor=world.assessor, review=review)
    record_review(actor=world.assessor, review=review, **(fields | {"targets_set": "Two"}))
    response = Client().get(reverse("apprenticeships:employer-sign", args=[token]))
    assert response.status_code == 410 and "has changed since this link was sent" in response.content.decode()


def test_funding_csv_has_actual_hours_per_learner_and_is_formula_safe(world, apprenticeship):
    world.learner.full_name = "=HYPERLINK(1)"
    world.learner.save()
    _entry(world, apprenticeship, hours="3")
    _entry(world, apprenticeship, days_ago=3, hours="1.5")
    response = signed_in(world.admin).get(reverse("apprenticeships:otj-csv", args=[world.centre.pk]))
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/csv")
    assert "'=HYPERLINK(1)" in text and ",4.5," in text


def test_overdue_review_flagged_once_on_assessor_and_admin_home(world):
    make_apprenticeship(world, planned_start=timezone.localdate() - dt.timedelta(weeks=14))
    flag = f"Progress review of {world.learner.full_name} overdue since"
    for user in (world.assessor, world.admin):
        page = signed_in(user).get(reverse("home")).content.decode()
        assert page.count(flag) == 1, user  # in "Waiting for you", and in no other panel
    admin_page = signed_in(world.admin).get(reverse("home")).content.decode()
    assert "Employer contacts" in admin_page and "Apprenticeship settings, OTJ CSV" in admin_page


def test_admin_home_lists_learners_on_an_apprenticeship_qualification_not_yet_set_up(world):
    waiting = make_apprentice_registration(world)
    set_up = make_apprentice_registration(world)
    make_apprenticeship(world, set_up)
    page = signed_in(world.admin).get(reverse("home")).text
    assert f"Set up the apprenticeship of {waiting.learner.full_name} (603/4687/5)" in page
    assert f"Set up the apprenticeship of {set_up.learner.full_name}" not in page
    # The Certificate supports no apprenticeship standard: its learners are not listed.
    assert f"Set up the apprenticeship of {world.learner.full_name}" not in page
    assert reverse("apprenticeships:setup", args=[waiting.pk]) in page


def test_break_in_learning_pauses_the_overdue_flag(world):
    from apprenticeships.services.setup import record_break

    apprenticeship = make_apprenticeship(world, planned_start=timezone.localdate() - dt.timedelta(weeks=14))
    record_break(
        actor=world.assessor,
        apprenticeship=apprenticeship,
        starts_on=timezone.localdate() - dt.timedelta(days=3),
        ends_on=None,
        reason="Illness",
    )
    page = signed_in(world.assessor).get(reverse("home")).content.decode()
    assert "overdue since" not in page


# --- Query counts at two sizes ---------------------------------------------------------------------------------


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_otj_page_costs_the_same_queries_for_few_and_many_entries(world, apprenticeship):
    client = signed_in(world.assessor)
    url = reverse("apprenticeships:otj", args=[world.registration.pk])
    _entry(world, apprenticeship)
    small = _count(client, url)
    for days in range(3, 23):
        _entry(world, apprenticeship, days_ago=days)
    large = _count(client, url)
    assert small == large, (small, large)


def _more_apprentices(world, count, start=None):
    for n in range(count):
        registration = make_registration(world.centre, assessor=world.assessor, iqa=world.iqa)
        apprenticeship = make_apprenticeship(
            world,
            registration=registration,
            planned_start=start or timezone.localdate() - dt.timedelta(weeks=14),
            contact_email="erin@harbour.test",
        )
        _entry(world, apprenticeship, days_ago=n + 2)


def test_review_panels_cost_the_same_queries_for_few_and_many_apprentices(world):
    make_apprenticeship(world, planned_start=timezone.localdate() - dt.timedelta(weeks=14))
    for user in (world.assessor, world.admin):
        client = signed_in(user)
        small = _count(client, reverse("home"))
        _more_apprentices(world, 6)
        large = _count(client, reverse("home"))
        assert small == large, (user, small, large)


def test_employer_home_costs_the_same_queries_for_few_and_many_apprentices(world, apprenticeship):
    client = signed_in(apprenticeship.employer_contact.user)
    _entry(world, apprenticeship)
    small = _count(client, reverse("apprenticeships:employer-home"))
    _more_apprentices(world, 6)
    large = _count(client, reverse("apprenticeships:employer-home"))
    assert small == large, (small, large)
    page = client.get(reverse("apprenticeships:employer-home")).content.decode()
    assert page.count("apprentices/") >= 7


def test_stranger_is_not_an_employer(world):
    client = signed_in(make_user())
    assert client.get(reverse("apprenticeships:employer-home")).status_code == 403


def test_signing_through_the_link_then_learner_and_provider_completes_the_review(world, apprenticeship):
    review = record_review(
        actor=world.assessor,
        review=apprenticeship.reviews.get(),
        held_on=timezone.localdate(),
        targets_set="One",
        targets_met="",
        english_maths="Functional skills level 1 maths booked",
        wellbeing="Fine",
        safeguarding="None",
        employer_comments="Doing well",
    )
    _link, token = send_employer_link(actor=world.assessor, review=review)
    sign_with_employer_link(token=token, signed_name="Erin Employer", confirm=True, ip_address="198.51.100.7")
    review.refresh_from_db()
    for user, role in ((world.learner, "learner"), (world.assessor, "provider")):
        response = signed_in(user).post(
            reverse("apprenticeships:review-sign", args=[review.pk]),
            {"role": role, "content_hash": review.content_hash},
        )
        assert response.status_code == 302
    page = signed_in(world.learner).get(reverse("apprenticeships:review", args=[review.pk])).content.decode()
    assert "Signed by all three" in page and "Next review due" in page
    again = signed_in(world.learner).post(
        reverse("apprenticeships:review-sign", args=[review.pk]),
        {"role": "learner", "content_hash": review.content_hash},
    )
    assert again.status_code == 302
    assert review.signatures.filter(role="learner").count() == 1


def test_ksb_coverage_for_603_4687_5_shows_met_criteria_and_otj_hours(world):
    from portfolio.models import CriterionDecision
    from qualifications.models import AssessmentCriterion
    from tests.apprenticeships.helpers import make_apprentice_registration

    registration = make_apprentice_registration(world, world.other_learner)
    apprenticeship = make_apprenticeship(world, registration=registration)
    k1 = list(
        AssessmentCriterion.objects.filter(unit__registrations=registration, learning_outcome__number="K1").order_by(
            "order"
        )
    )
    CriterionDecision.objects.create(registration=registration, criterion=k1[0], decided_by=world.assessor)
    record_otj_entry(
        actor=world.assessor,
        apprenticeship=apprenticeship,
        date=timezone.localdate() - dt.timedelta(days=1),
        hours=Decimal("2"),
        activity_type="theory",
        description="Internal and external customers",
        new_learning=True,
        relevant_to_standard=True,
        within_paid_hours=True,
        criteria=[k1[0]],
    )
    client = signed_in(world.assessor)
    url = reverse("apprenticeships:ksb", args=[registration.pk])
    page = client.get(url).content.decode()
    assert "<strong>K1</strong>" in page and "<strong>B17</strong>" in page
    assert f"1 of {len(k1)} criteria met" in page and "OTJ: 2.0 h" in page or "OTJ: 2 h" in page
    small = _count(client, url)
    for n in range(5):
        record_otj_entry(
            actor=world.assessor,
            apprenticeship=apprenticeship,
            date=timezone.localdate() - dt.timedelta(days=n + 3),
            hours=Decimal("1"),
            activity_type="theory",
            description="More",
            new_learning=True,
            relevant_to_standard=True,
            within_paid_hours=True,
            criteria=k1,
        )
    assert _count(client, url) == small


def test_ksb_coverage_is_empty_for_a_qualification_without_ksb_references(world, apprenticeship):
    page = signed_in(world.assessor).get(reverse("apprenticeships:ksb", args=[world.registration.pk])).content.decode()
    assert "do not carry the standard" in page


def test_employer_home_lists_reviews_waiting_for_their_signature_only(world, apprenticeship):
    review = record_review(
        actor=world.assessor,
        review=apprenticeship.reviews.get(),
        held_on=timezone.localdate(),
        targets_set="One",
        targets_met="",
        english_maths="",
        wellbeing="Fine",
        safeguarding="None",
        employer_comments="",
    )
    client = signed_in(apprenticeship.employer_contact.user)
    url = reverse("apprenticeships:employer-home")
    assert "review due" in client.get(url).content.decode()
    _link, token = send_employer_link(actor=world.assessor, review=review)
    sign_with_employer_link(token=token, signed_name="Erin Employer", confirm=True, ip_address=None)
    assert "review due" not in client.get(url).content.decode()


def _queries_of_home(client) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("home")).content.decode()
    return page, [query["sql"] for query in queries.captured_queries]


def test_home_pages_know_apprentices_and_employer_contacts_from_what_they_read_anyway(world, apprenticeship):
    """Whether the person is an apprentice comes with their registrations, and whether they are an employer contact
    with their session: no query of the apprenticeship panel's own, for them or for anyone else."""
    registration = apprenticeship.registration
    apprentice_page, apprentice_queries = _queries_of_home(signed_in(registration.learner))
    assert reverse("apprenticeships:otj", args=[registration.pk]) in apprentice_page
    contact_page, contact_queries = _queries_of_home(signed_in(apprenticeship.employer_contact.user))
    assert reverse("apprenticeships:employer-home") in contact_page
    learner_page, learner_queries = _queries_of_home(signed_in(world.other_learner))
    assert "apprenticeships/" not in learner_page
    for queries in (apprentice_queries, contact_queries, learner_queries):
        assert not [sql for sql in queries if sql.startswith('SELECT DISTINCT "apprenticeships_apprenticeship"')]


def test_an_employer_contact_made_inactive_no_longer_sees_the_employer_panel(world, apprenticeship):
    contact = apprenticeship.employer_contact
    client = signed_in(contact.user)
    assert reverse("apprenticeships:employer-home") in client.get(reverse("home")).content.decode()
    contact.is_active = False
    contact.save(update_fields=["is_active"])
    assert reverse("apprenticeships:employer-home") not in client.get(reverse("home")).content.decode()
