"""Plan and sample pages: each as the right user, the wrong role, the wrong centre, anonymous and as EQAs."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from quality.models import Action, Outcome, PlanAssessor, SampleKind, SampleRecord, SamplingPlan
from tests.factories import make_registration
from tracking.models import Signature

from .helpers import (
    client_for,
    complete_and_sign,
    expire,
    fake_signed_units,
    other_centre_iqa,
    share,
    start_unit,
    status,
    take_sample,
)

# --- Access --------------------------------------------------------------------------------------------------


def test_plan_list_is_for_iqas(world, plan):
    url = reverse("quality:plan-list")
    response = client_for(world.iqa).get(url)
    assert response.status_code == 200 and plan.qualification.title in response.content.decode()
    assert status(world.assessor, url) == 403
    assert status(world.admin, url) == 403
    assert status(world.eqa, url) == 403
    assert status(None, url) == 302
    other = client_for(other_centre_iqa(world)).get(url)
    assert other.status_code == 200 and plan.qualification.title not in other.content.decode()


def test_plan_detail_access(world, plan):
    url = reverse("quality:plan-detail", args=[plan.pk])
    assert status(world.iqa, url) == 200
    assert status(world.assessor, url) == 404
    assert status(world.admin, url) == 404
    assert status(world.learner, url) == 404
    assert status(other_centre_iqa(world), url) == 404
    assert status(world.eqa, url) == 404  # nothing shared
    assert status(None, url) == 302


def test_eqa_reads_the_plan_limited_to_shared_learners_until_the_end_date(world, plan, unit1):
    start_unit(world.registration, unit1)
    start_unit(world.other_registration, unit1)
    take_sample(plan, world.registration, unit1)
    take_sample(plan, world.other_registration, unit1)
    shared = share(world, world.registration)
    url = reverse("quality:plan-detail", args=[plan.pk])
    response = client_for(world.eqa).get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert world.learner.full_name in page
    assert world.other_learner.full_name not in page
    assert "Proposed next samples" not in page
    assert "Set this rate by hand" not in page
    expire(shared)
    assert status(world.eqa, url) == 404


def test_rate_and_refresh_posts_are_for_the_centres_iqas(world, plan):
    rate_url = reverse("quality:plan-rate", args=[plan.pk])
    data = {"assessor": world.assessor.pk, "rate_percent": 30, "reason": "New site"}
    assert status(world.assessor, rate_url, "post", data) == 404
    assert status(other_centre_iqa(world), rate_url, "post", data) == 404
    assert status(None, rate_url, "post", data) == 302
    assert status(world.iqa, rate_url, "get") == 405
    assert status(world.iqa, rate_url, "post", data) == 302
    row = PlanAssessor.objects.get(plan=plan, assessor=world.assessor)
    assert row.overridden and row.rate_percent == 30
    clear_url = reverse("quality:plan-rate-clear", args=[plan.pk])
    assert status(world.assessor, clear_url, "post", {"assessor": world.assessor.pk}) == 404
    assert status(world.iqa, clear_url, "post", {"assessor": world.assessor.pk}) == 302
    assert not PlanAssessor.objects.get(plan=plan, assessor=world.assessor).overridden
    refresh_url = reverse("quality:plan-refresh", args=[plan.pk])
    assert status(world.assessor, refresh_url, "post") == 404
    assert status(world.iqa, refresh_url, "post") == 302


def test_sample_pages_access(world, plan, unit1):
    start_unit(world.registration, unit1)
    start = reverse("quality:sample-start", args=[plan.pk])
    create = reverse("quality:sample-create", args=[plan.pk, world.registration.pk, "interim"])
    for url in (start, create):
        assert status(world.iqa, url) == 200
        assert status(world.assessor, url) == 404
        assert status(world.admin, url) == 404
        assert status(other_centre_iqa(world), url) == 404
        assert status(world.eqa, url) == 404
        assert status(None, url) == 302
    assert status(world.iqa, reverse("quality:sample-create", args=[plan.pk, world.registration.pk, "x"])) == 404
    other_centre = reverse("quality:sample-create", args=[plan.pk, world.other_centre_registration.pk, "interim"])
    assert status(world.iqa, other_centre) == 404


def test_sample_detail_access(world, plan, unit1):
    start_unit(world.registration, unit1)
    sample = take_sample(plan, world.registration, unit1, outcome=Outcome.AGREE_WITH_ACTIONS)
    url = reverse("quality:sample-detail", args=[sample.pk])
    assert status(world.iqa, url) == 200
    assert status(world.assessor, url) == 200  # the feedback and actions are for them
    assert status(world.other_assessor, url) == 404
    assert status(world.admin, url) == 404
    assert status(world.learner, url) == 404
    assert status(other_centre_iqa(world), url) == 404
    assert status(world.eqa, url) == 404
    assert status(None, url) == 302
    shared = share(world, world.registration)
    assert status(world.eqa, url) == 200
    expire(shared)
    assert status(world.eqa, url) == 404


def test_action_pages_access(world, plan, unit1):
    start_unit(world.registration, unit1)
    sample = take_sample(plan, world.registration, unit1, outcome=Outcome.AGREE_WITH_ACTIONS)
    action = Action.objects.get(sample=sample)
    url = reverse("quality:action-list")
    assert "Add detail to the feedback." in client_for(world.assessor).get(url).content.decode()
    assert "Add detail to the feedback." in client_for(world.iqa).get(url).content.decode()
    assert "Add detail to the feedback." not in client_for(world.other_assessor).get(url).content.decode()
    assert status(world.admin, url) == 403
    assert status(world.learner, url) == 403
    assert status(world.eqa, url) == 403
    assert status(None, url) == 302

    complete = reverse("quality:action-complete", args=[action.pk])
    close = reverse("quality:action-close", args=[action.pk])
    assert status(world.other_assessor, complete, "post", {"note": "x"}) == 404
    assert status(other_centre_iqa(world), close, "post") == 404
    assert status(None, complete, "post", {"note": "x"}) == 302
    assert status(world.assessor, complete, "post", {"note": "Rewrote the feedback"}) == 302
    assert status(world.iqa, close, "post", {"note": "Seen"}) == 302
    action.refresh_from_db()
    assert action.completed_at and action.closed_at


# --- Journeys -------------------------------------------------------------------------------------------------


def test_iqa_builds_a_plan_and_sees_rates_and_gaps(world, unit1):
    start_unit(world.registration, unit1, methods=("Obs", "WT"))
    client = client_for(world.iqa)
    assert client.get(reverse("quality:plan-create")).status_code == 200
    response = client.post(
        reverse("quality:plan-create"),
        {
            "centre": world.centre.pk,
            "qualification": world.registration.qualification_id,
            "period_start": "2026-09-01",
            "period_end": "2027-08-31",
            "locations": "Training centre\nWorkplace",
            "notes": "",
        },
    )
    plan = SamplingPlan.objects.get()
    assert response.status_code == 302 and response.url == reverse("quality:plan-detail", args=[plan.pk])
    page = client.get(response.url).content.decode()
    assert "New to this qualification" in page
    assert "Working towards their assessing award" in page
    assert "<strong>gap</strong>" in page
    assert "Interim (work in progress)" in page  # a proposed sample
    assert plan.iqa == world.iqa and plan.locations == "Training centre\nWorkplace"


def test_plan_form_shows_a_clear_error_for_a_backwards_period(world):
    response = client_for(world.iqa).post(
        reverse("quality:plan-create"),
        {
            "centre": world.centre.pk,
            "qualification": world.registration.qualification_id,
            "period_start": "2027-09-01",
            "period_end": "2026-08-31",
        },
    )
    assert response.status_code == 200
    assert "must end on or after" in response.content.decode()
    assert not SamplingPlan.objects.exists()


def test_iqa_samples_interim_work_through_the_pages(world, plan, unit1):
    start_unit(world.registration, unit1)
    client = client_for(world.iqa)
    url = reverse("quality:sample-create", args=[plan.pk, world.registration.pk, "interim"])
    assert unit1.reference in client.get(url).content.decode()
    review = client.get(url, {"unit": unit1.pk})
    page = review.content.decode()
    assert review.status_code == 200 and "Record the sample" in page
    due = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    response = client.post(
        url,
        {
            "unit": unit1.pk,
            f"all-{unit1.pk}": Outcome.AGREE_WITH_ACTIONS,
            "location": "Workplace",
            "records_checked": ["identity", "feedback"],
            "feedback": "Good decisions; expand the feedback.",
            "action-0-text": "Expand the feedback on evidence 1",
            "action-0-due": due,
        },
    )
    sample = SampleRecord.objects.get()
    assert response.status_code == 302 and response.url == reverse("quality:sample-detail", args=[sample.pk])
    assert sample.outcome == Outcome.AGREE_WITH_ACTIONS and sample.records_checked == ["identity", "feedback"]
    assert sample.decisions.count() == 4
    assert Action.objects.get().due_on.isoformat() == due


def test_review_form_errors_are_shown_and_nothing_is_saved(world, plan, unit1):
    start_unit(world.registration, unit1)
    url = reverse("quality:sample-create", args=[plan.pk, world.registration.pk, "interim"])
    response = client_for(world.iqa).post(
        url, {"unit": unit1.pk, f"all-{unit1.pk}": Outcome.AGREE_WITH_ACTIONS, "location": "W", "feedback": "F"}
    )
    assert response.status_code == 200
    assert "write at least one action" in response.content.decode()
    response = client_for(world.iqa).post(url, {"unit": unit1.pk, "location": "W", "feedback": "F"})
    assert "Give an outcome for at least one decision" in response.content.decode()
    assert not SampleRecord.objects.exists()


def test_summative_disagreement_through_the_pages_reopens_and_raises_the_rate(world, plan, unit1):
    fake_signed_units(world.assessor, world.centre, plan.qualification, 10)
    complete_and_sign(world.registration, unit1)
    client = client_for(world.iqa)
    client.post(reverse("quality:plan-refresh", args=[plan.pk]))
    assert PlanAssessor.objects.get(plan=plan, assessor=world.assessor).rate_percent == 10
    url = reverse("quality:sample-create", args=[plan.pk, world.registration.pk, "summative"])
    response = client.post(
        url,
        {
            "unit": unit1.pk,
            f"all-{unit1.pk}": Outcome.DISAGREE,
            "location": "Training centre",
            "feedback": "No Q&A record.",
        },
        follow=True,
    )
    assert "reopened for the assessor" in response.content.decode()
    assert not Signature.objects.live().filter(sign_off__registration=world.registration, sign_off__unit=unit1).exists()
    page = client.get(reverse("quality:plan-detail", args=[plan.pk])).content.decode()
    assert "Raised to 50%: 1 sample with a disagreement" in page


# --- Cheap pages ------------------------------------------------------------------------------------------------


def _grow(world, plan, size: int):
    """`size` more learners with work in progress, a signed-off unit and a sample each."""
    for _ in range(size):
        registration = make_registration(world.centre, assessor=world.other_assessor, iqa=world.iqa)
        units = list(registration.units.all())
        start_unit(registration, units[0], methods=("Obs", "Q"))
        complete_and_sign(registration, units[1])
        take_sample(plan, registration, units[0], location=f"Workplace {registration.pk}")
        take_sample(plan, registration, units[1], kind=SampleKind.SUMMATIVE)


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# No more than today, with the header bell's unread count (one query).
PLAN_QUERIES = {"quality:plan-detail": 17, "quality:sample-start": 11}


@pytest.mark.parametrize("name", ["quality:plan-detail", "quality:sample-start"])
def test_plan_pages_cost_the_same_queries_at_two_sizes(world, plan, name):
    client = client_for(world.iqa)
    url = reverse(name, args=[plan.pk])
    _grow(world, plan, 1)
    small = _count(client, url)
    _grow(world, plan, 4)
    large = _count(client, url)
    assert small == large <= PLAN_QUERIES[name], (name, small, large)


def test_iqa_sees_approved_adjustments_when_sampling_and_on_the_sample(world, plan, unit1):
    from portfolio.services.adjustments import decide_adjustment, request_adjustment

    requested = request_adjustment(
        actor=world.assessor,
        registration=world.registration,
        kind="special_consideration",
        what="Observation moved after a bereavement",
        why="Bereavement",
        units=[unit1],
    )
    decide_adjustment(
        actor=world.admin, adjustment=requested, approve=True, adjusted="Observation held two weeks later"
    )
    start_unit(world.registration, unit1)
    client = client_for(world.iqa)
    url = reverse("quality:sample-create", args=[plan.pk, world.registration.pk, "interim"])
    assert "Observation held two weeks later" in client.get(url, {"unit": unit1.pk}).content.decode()
    sample = take_sample(plan, world.registration, unit1)
    page = client.get(reverse("quality:sample-detail", args=[sample.pk])).content.decode()
    assert "Observation held two weeks later" in page
