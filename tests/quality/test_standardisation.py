"""Standardisation: the IQA of a qualification sets evidence before its assessors, each judges on their own without
seeing the others until they submit, the IQA closes judging, compares, records the agreed outcome, minutes and
actions, and closes a record that is then frozen; it shows on the sampling plan and to the EQA."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from centres.models import Event, Role
from portfolio.models import EqaShare, EqaShareItem
from quality.models import (
    AgreedOutcome,
    StandardisationActivity,
    StandardisationJudgement,
    Verdict,
)
from quality.services.errors import NotAllowed
from quality.services.standardisation.activity import StandardisationError, create_activity
from quality.services.standardisation.judging import JudgementInput, close_judging, submit_judgements
from quality.services.standardisation.review import OutcomeInput, add_action, close_activity, record_outcomes
from tests.factories import make_registration, make_staff

from .helpers import add_evidence, client_for, make_plan, units_of


@pytest.fixture
def unit(world):
    return units_of(world.registration)[0]


@pytest.fixture
def criteria(unit):
    return list(unit.criteria.order_by("order")[:2])


@pytest.fixture
def evidence(world, criteria):
    return add_evidence(world.registration, criteria)


def _create(world, unit, criteria, evidence, *, actor=None, assessors=None, **extra):
    return create_activity(
        actor=actor or world.iqa,
        centre=world.centre,
        qualification=world.registration.qualification,
        unit=unit,
        title="Autumn standardisation",
        criteria=criteria,
        assessors=assessors or [world.assessor, world.other_assessor],
        evidence=extra.pop("evidence_", evidence),
        **extra,
    )


@pytest.fixture
def activity(world, unit, criteria, evidence):
    return _create(world, unit, criteria, evidence)


def _judge(activity, assessor, verdicts):
    items = list(activity.criteria.order_by("criterion__order"))
    return submit_judgements(
        actor=assessor,
        activity=activity,
        judgements={
            item.pk: JudgementInput(verdict, f"Because {verdict}.")
            for item, verdict in zip(items, verdicts, strict=True)
        },
    )


def _closed(world, activity):
    _judge(activity, world.assessor, [Verdict.MET, Verdict.MET])
    _judge(activity, world.other_assessor, [Verdict.MET, Verdict.NOT_SURE])
    close_judging(actor=world.iqa, activity=activity)
    items = list(activity.criteria.order_by("criterion__order"))
    record_outcomes(
        actor=world.iqa,
        activity=activity,
        outcomes={item.pk: OutcomeInput(AgreedOutcome.MET, "Shown by the customer's own words.") for item in items},
        minutes="Met on 1 December; both assessors attended.",
    )
    add_action(
        actor=world.iqa,
        activity=activity,
        assessor=world.other_assessor,
        text="Re-read the unit's assessment guidance on sufficiency.",
        due_on=timezone.localdate() + dt.timedelta(days=14),
    )
    return close_activity(actor=world.iqa, activity=activity)


def _share_with_eqa(world):
    today = timezone.localdate()
    share = EqaShare.objects.create(
        centre=world.centre,
        eqa=world.eqa,
        starts_on=today,
        ends_on=today + dt.timedelta(days=10),
        created_by=world.admin,
    )
    EqaShareItem.objects.create(share=share, registration=world.registration)
    return share


def _status(user, url, method="get", data=None) -> int:
    client = client_for(user) if user is not None else Client()
    return getattr(client, method)(url, data or {}).status_code


# --- Creating ------------------------------------------------------------------------------------------------


def test_iqa_of_the_qualification_creates_an_activity_with_an_event(world, activity, criteria):
    assert activity.status == StandardisationActivity.Status.JUDGING
    assert [item.criterion for item in activity.criteria.order_by("criterion__order")] == criteria
    assert {p.assessor for p in activity.participants.all()} == {world.assessor, world.other_assessor}
    assert Event.objects.filter(action="standardisation_created", object_id=activity.pk).count() == 1


def test_an_iqa_of_the_centre_not_on_the_qualification_cannot_create(world, unit, criteria, evidence):
    outsider = make_staff(world.centre, Role.IQA)
    with pytest.raises(NotAllowed):
        _create(world, unit, criteria, evidence, actor=outsider)
    make_plan(world, iqa=outsider)
    assert _create(world, unit, criteria, evidence, actor=outsider).iqa == outsider


def test_an_assessor_cannot_create(world, unit, criteria, evidence):
    with pytest.raises(NotAllowed):
        _create(world, unit, criteria, evidence, actor=world.assessor)
    assert not StandardisationActivity.objects.exists()


def test_activity_needs_two_assessors_of_the_qualification(world, unit, criteria, evidence):
    with pytest.raises(StandardisationError, match="at least 2"):
        _create(world, unit, criteria, evidence, assessors=[world.assessor])
    with pytest.raises(StandardisationError, match="Not an assessor"):
        _create(world, unit, criteria, evidence, assessors=[world.assessor, world.other_centre_assessor])
    assert not StandardisationActivity.objects.exists()


def test_evidence_or_exemplar_but_not_neither(world, unit, criteria, evidence):
    with pytest.raises(StandardisationError, match="one of the two"):
        _create(world, unit, criteria, None, evidence_=None)
    exemplar = _create(world, unit, criteria, None, evidence_=None, exemplar="Observed: the learner greets ...")
    assert exemplar.evidence is None and exemplar.exemplar.startswith("Observed")


def test_another_centres_evidence_is_refused(world, unit, criteria):
    foreign = add_evidence(world.other_centre_registration, [])
    with pytest.raises(StandardisationError, match="not submitted evidence"):
        _create(world, unit, criteria, foreign)


def test_create_pages_walk_from_unit_to_activity(world, unit, criteria, evidence):
    client = client_for(world.iqa)
    url = reverse("quality:standardisation-create")
    assert client.get(url).status_code == 200
    query = {"centre": world.centre.pk, "unit": f"{world.registration.qualification_id}-{unit.pk}"}
    page = client.get(url, query)
    assert page.status_code == 200 and unit.reference in page.content.decode()
    response = client.post(
        f"{url}?centre={world.centre.pk}&unit={query['unit']}",
        {
            "title": "Spring standardisation",
            "evidence": evidence.pk,
            "criteria": [c.pk for c in criteria],
            "assessors": [world.assessor.pk, world.other_assessor.pk],
        },
    )
    activity = StandardisationActivity.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "quality:standardisation-detail", args=[activity.pk]
    )
    assert _status(world.assessor, url) == 403


# --- Judging -------------------------------------------------------------------------------------------------


def test_invited_assessor_judges_once_with_an_event(world, activity):
    participant = _judge(activity, world.assessor, [Verdict.MET, Verdict.NOT_MET])
    assert participant.submitted_at is not None
    assert StandardisationJudgement.objects.filter(participant=participant).count() == 2
    assert Event.objects.filter(action="standardisation_submitted", actor=world.assessor).count() == 1
    with pytest.raises(StandardisationError, match="already submitted"):
        _judge(activity, world.assessor, [Verdict.NOT_MET, Verdict.NOT_MET])
    assert set(StandardisationJudgement.objects.values_list("verdict", flat=True)) == {"met", "not_met"}


def test_an_assessor_not_invited_cannot_judge(world, activity):
    with pytest.raises(NotAllowed):
        _judge(activity, world.trainee, [Verdict.MET, Verdict.MET])
    response = client_for(world.trainee).post(reverse("quality:standardisation-judge", args=[activity.pk]), {})
    assert response.status_code == 403


def test_every_criterion_needs_a_verdict_and_a_reason(world, activity):
    item = activity.criteria.order_by("criterion__order").first()
    with pytest.raises(StandardisationError, match="Give your judgement"):
        submit_judgements(
            actor=world.assessor, activity=activity, judgements={item.pk: JudgementInput(Verdict.MET, "Clear.")}
        )
    items = list(activity.criteria.all())
    with pytest.raises(StandardisationError, match="Say why"):
        submit_judgements(
            actor=world.assessor,
            activity=activity,
            judgements={i.pk: JudgementInput(Verdict.MET, " ") for i in items},
        )
    assert not StandardisationJudgement.objects.exists()
    assert activity.participants.get(assessor=world.assessor).submitted_at is None


def test_judging_page_submits_and_then_shows_results(world, activity):
    client = client_for(world.assessor)
    detail = client.get(reverse("quality:standardisation-detail", args=[activity.pk])).content.decode()
    assert "Submit my judgements" in detail
    data = {}
    for item in activity.criteria.all():
        data[f"verdict_{item.pk}"] = "met"
        data[f"rationale_{item.pk}"] = "The learner's email shows it."
    response = client.post(reverse("quality:standardisation-judge", args=[activity.pk]), data)
    assert response["Location"] == reverse("quality:standardisation-results", args=[activity.pk])
    assert client.get(response["Location"]).status_code == 200


def test_an_incomplete_judging_form_stores_nothing(world, activity):
    response = client_for(world.assessor).post(reverse("quality:standardisation-judge", args=[activity.pk]), {})
    assert response.status_code == 400
    assert not StandardisationJudgement.objects.exists()


def test_assessor_cannot_see_others_judgements_before_submitting(world, activity):
    _judge(activity, world.assessor, [Verdict.MET, Verdict.NOT_MET])
    results = reverse("quality:standardisation-results", args=[activity.pk])
    assert _status(world.other_assessor, results) == 403
    detail = client_for(world.other_assessor).get(reverse("quality:standardisation-detail", args=[activity.pk]))
    assert "Because met." not in detail.content.decode()
    page = client_for(world.assessor).get(results)
    assert page.status_code == 200 and "Because met." in page.content.decode()


def test_iqa_sees_who_submitted_but_judgements_only_after_closing_judging(world, activity):
    _judge(activity, world.assessor, [Verdict.MET, Verdict.NOT_MET])
    client = client_for(world.iqa)
    detail = client.get(reverse("quality:standardisation-detail", args=[activity.pk])).content.decode()
    assert "submitted" in detail and "Because met." not in detail
    results = reverse("quality:standardisation-results", args=[activity.pk])
    assert client.get(results).status_code == 403
    close_judging(actor=world.iqa, activity=activity)
    assert client.get(results).status_code == 200


def test_close_judging_needs_a_submission_and_then_refuses_late_judgements(world, activity):
    with pytest.raises(StandardisationError, match="nothing to compare"):
        close_judging(actor=world.iqa, activity=activity)
    _judge(activity, world.assessor, [Verdict.MET, Verdict.MET])
    close_judging(actor=world.iqa, activity=activity)
    event = Event.objects.get(action="standardisation_judging_closed")
    assert event.data["not_submitted"] == [str(world.other_assessor)]
    with pytest.raises(StandardisationError, match="Judging is closed"):
        _judge(activity, world.other_assessor, [Verdict.MET, Verdict.MET])
    assert _status(world.other_assessor, reverse("quality:standardisation-results", args=[activity.pk])) == 403


def test_an_assessor_cannot_close_judging(world, activity):
    _judge(activity, world.assessor, [Verdict.MET, Verdict.MET])
    url = reverse("quality:standardisation-close-judging", args=[activity.pk])
    assert _status(world.assessor, url, "post") == 403
    assert StandardisationActivity.objects.get().status == StandardisationActivity.Status.JUDGING


# --- Comparing, agreeing, closing ----------------------------------------------------------------------------


def test_results_table_marks_agreement_and_difference_per_criterion(world, activity, criteria):
    _judge(activity, world.assessor, [Verdict.MET, Verdict.MET])
    _judge(activity, world.other_assessor, [Verdict.MET, Verdict.NOT_MET])
    close_judging(actor=world.iqa, activity=activity)
    page = client_for(world.iqa).get(reverse("quality:standardisation-results", args=[activity.pk])).content.decode()
    first, second = criteria
    row_one = page.split(f'data-criterion="{first.code}"')[1].split("</tr>")[0]
    row_two = page.split(f'data-criterion="{second.code}"')[1].split("</tr>")[0]
    assert "Agree: met" in row_one
    assert (
        "Differ: 1 met, 1 not met" in row_two
        and "table-warning" in page.split(f'data-criterion="{second.code}"')[0][-40:]
    )
    assert "1 criterion where judgements differ" in page


def test_not_sure_is_never_agreement(world, activity):
    _judge(activity, world.assessor, [Verdict.NOT_SURE, Verdict.MET])
    _judge(activity, world.other_assessor, [Verdict.NOT_SURE, Verdict.MET])
    close_judging(actor=world.iqa, activity=activity)
    page = client_for(world.iqa).get(reverse("quality:standardisation-results", args=[activity.pk])).content.decode()
    assert "Differ: 2 not sure" in page


def test_outcomes_need_judging_closed_and_a_reason(world, activity):
    item = activity.criteria.first()
    with pytest.raises(StandardisationError, match="Close judging first"):
        record_outcomes(actor=world.iqa, activity=activity, outcomes={}, minutes="Early.")
    _judge(activity, world.assessor, [Verdict.MET, Verdict.MET])
    close_judging(actor=world.iqa, activity=activity)
    with pytest.raises(StandardisationError, match="and why"):
        record_outcomes(
            actor=world.iqa, activity=activity, outcomes={item.pk: OutcomeInput(AgreedOutcome.MET)}, minutes=""
        )
    changed = record_outcomes(
        actor=world.iqa,
        activity=activity,
        outcomes={item.pk: OutcomeInput(AgreedOutcome.NOT_MET, "Not sufficient: one customer only.")},
        minutes="Discussed sufficiency.",
    )
    assert changed == [item.criterion.code]
    assert Event.objects.filter(action="standardisation_outcome_agreed").count() == 1
    assert Event.objects.filter(action="standardisation_minutes_recorded").count() == 1


def test_only_the_iqa_records_outcomes(world, activity):
    _judge(activity, world.assessor, [Verdict.MET, Verdict.MET])
    close_judging(actor=world.iqa, activity=activity)
    with pytest.raises(NotAllowed):
        record_outcomes(actor=world.assessor, activity=activity, outcomes={}, minutes="Mine.")
    assert _status(world.assessor, reverse("quality:standardisation-outcomes", args=[activity.pk]), "post") == 403


def test_actions_are_for_participants_and_due_in_the_future(world, activity):
    _judge(activity, world.assessor, [Verdict.MET, Verdict.MET])
    close_judging(actor=world.iqa, activity=activity)
    later = timezone.localdate() + dt.timedelta(days=7)
    with pytest.raises(StandardisationError, match="took part"):
        add_action(actor=world.iqa, activity=activity, assessor=world.trainee, text="Read.", due_on=later)
    with pytest.raises(StandardisationError, match="today or later"):
        add_action(
            actor=world.iqa,
            activity=activity,
            assessor=world.assessor,
            text="Read.",
            due_on=timezone.localdate() - dt.timedelta(days=1),
        )
    add_action(actor=world.iqa, activity=activity, assessor=world.assessor, text="Read.", due_on=later)
    assert activity.actions.get().assessor == world.assessor
    assert Event.objects.filter(action="standardisation_action_set").count() == 1


def test_closing_needs_every_outcome_and_minutes(world, activity):
    _judge(activity, world.assessor, [Verdict.MET, Verdict.MET])
    close_judging(actor=world.iqa, activity=activity)
    with pytest.raises(StandardisationError, match="agreed outcome first"):
        close_activity(actor=world.iqa, activity=activity)
    assert StandardisationActivity.objects.get().status == StandardisationActivity.Status.REVIEW


def test_a_closed_record_is_frozen_with_an_event_for_each_step(world, activity):
    _closed(world, activity)
    activity.refresh_from_db()
    assert activity.is_closed and activity.closed_by == world.iqa
    actions = list(Event.objects.filter(object_type="standardisationactivity").values_list("action", flat=True))
    assert actions == [
        "standardisation_created",
        "standardisation_submitted",
        "standardisation_submitted",
        "standardisation_judging_closed",
        "standardisation_outcome_agreed",
        "standardisation_outcome_agreed",
        "standardisation_minutes_recorded",
        "standardisation_action_set",
        "standardisation_closed",
    ]
    item = activity.criteria.first()
    with pytest.raises(StandardisationError, match="closed"):
        record_outcomes(
            actor=world.iqa, activity=activity, outcomes={item.pk: OutcomeInput("not_met", "Changed.")}, minutes="x"
        )
    later = timezone.localdate() + dt.timedelta(days=7)
    with pytest.raises(StandardisationError, match="closed"):
        add_action(actor=world.iqa, activity=activity, assessor=world.assessor, text="More.", due_on=later)
    with pytest.raises(StandardisationError, match="closed"):
        close_activity(actor=world.iqa, activity=activity)
    with pytest.raises(StandardisationError, match="already closed"):
        close_judging(actor=world.iqa, activity=activity)
    item.refresh_from_db()
    assert item.agreed_outcome == AgreedOutcome.MET


def test_results_page_records_outcomes_and_closes(world, activity):
    _judge(activity, world.assessor, [Verdict.MET, Verdict.MET])
    client = client_for(world.iqa)
    client.post(reverse("quality:standardisation-close-judging", args=[activity.pk]))
    data = {"minutes": "Agreed the standard."}
    for item in activity.criteria.all():
        data[f"outcome_{item.pk}"] = "met"
        data[f"note_{item.pk}"] = "Clear evidence."
    client.post(reverse("quality:standardisation-outcomes", args=[activity.pk]), data)
    client.post(
        reverse("quality:standardisation-action", args=[activity.pk]),
        {"assessor": world.assessor.pk, "text": "Share the exemplar.", "due_on": "2099-01-01"},
    )
    response = client.post(reverse("quality:standardisation-close", args=[activity.pk]))
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.is_closed and activity.minutes == "Agreed the standard."
    page = client.get(reverse("quality:standardisation-results", args=[activity.pk])).content.decode()
    assert "This record is closed" in page and "Share the exemplar." in page and "Close the record" not in page


# --- Who may read ----------------------------------------------------------------------------------------------


def test_another_centres_people_get_404(world, activity):
    other_iqa = make_staff(world.other_centre, Role.IQA)
    for name in ("standardisation-detail", "standardisation-results"):
        url = reverse(f"quality:{name}", args=[activity.pk])
        assert _status(other_iqa, url) == 404
        assert _status(world.other_centre_assessor, url) == 404
        assert _status(world.other_admin, url) == 404


def test_learners_and_staff_not_taking_part_get_403(world, activity):
    for name in ("standardisation-detail", "standardisation-results"):
        url = reverse(f"quality:{name}", args=[activity.pk])
        assert _status(world.learner, url) == 403
        assert _status(world.trainee, url) == 403
        assert _status(world.admin, url) == 403
    assert _status(world.learner, reverse("quality:standardisation-list")) == 403


def test_list_shows_the_iqa_everything_and_the_assessor_their_invitations(world, activity, unit, criteria, evidence):
    other = _create(world, unit, criteria, evidence, assessors=[world.assessor, world.trainee])
    iqa_page = client_for(world.iqa).get(reverse("quality:standardisation-list")).content.decode()
    assert iqa_page.count("Autumn standardisation") == 2
    mine = client_for(world.other_assessor).get(reverse("quality:standardisation-list")).content.decode()
    assert reverse("quality:standardisation-detail", args=[activity.pk]) in mine
    assert reverse("quality:standardisation-detail", args=[other.pk]) not in mine
    assert "Waiting for your judgement" in mine


def test_closed_record_shows_on_the_plan_and_to_the_eqa(world, activity):
    plan = make_plan(world)
    _share_with_eqa(world)
    eqa = client_for(world.eqa)
    results = reverse("quality:standardisation-results", args=[activity.pk])
    assert eqa.get(results).status_code == 404  # not yet closed
    plan_page = client_for(world.iqa).get(reverse("quality:plan-detail", args=[plan.pk])).content.decode()
    assert "Autumn standardisation" in plan_page
    assert "Autumn standardisation" not in eqa.get(reverse("quality:plan-detail", args=[plan.pk])).content.decode()
    _closed(world, activity)
    assert "Autumn standardisation" in eqa.get(reverse("quality:plan-detail", args=[plan.pk])).content.decode()
    home = eqa.get(reverse("quality:eqa-home")).content.decode()
    assert results in home
    page = eqa.get(results)
    assert page.status_code == 200 and "Re-read the unit" in page.content.decode()


def test_an_eqa_without_an_active_share_at_the_centre_gets_404(world, activity):
    _closed(world, activity)
    url = reverse("quality:standardisation-results", args=[activity.pk])
    assert _status(world.eqa, url) == 404
    share = _share_with_eqa(world)
    assert _status(world.eqa, url) == 200
    share.revoked_at = timezone.now()
    share.save(update_fields=["revoked_at"])
    assert _status(world.eqa, url) == 404


def test_the_eqa_reads_the_record_but_not_evidence_of_a_learner_not_shared(world, unit, criteria):
    unshared = add_evidence(world.other_registration, criteria)
    unshared.description = "Omar's private account of a refund."
    unshared.save(update_fields=["description"])
    activity = _create(world, unit, criteria, unshared)
    _closed(world, activity)
    _share_with_eqa(world)  # Lena's registration only
    eqa = client_for(world.eqa)
    page = eqa.get(reverse("quality:standardisation-detail", args=[activity.pk])).content.decode()
    assert "not shared with you" in page and "private account" not in page and "Omar Other" not in page
    assert (
        "private account"
        in client_for(world.iqa).get(reverse("quality:standardisation-detail", args=[activity.pk])).content.decode()
    )
    results = eqa.get(reverse("quality:standardisation-results", args=[activity.pk]))
    assert results.status_code == 200 and "Met on 1 December" in results.content.decode()


# --- Query counts --------------------------------------------------------------------------------------------


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _grow(world, unit, criteria, evidence, n):
    for _ in range(n):
        extra = make_staff(world.centre, Role.ASSESSOR)
        make_registration(world.centre, assessor=extra, iqa=world.iqa)
        activity = _create(world, unit, criteria, evidence, assessors=[world.assessor, world.other_assessor, extra])
        _judge(activity, world.assessor, [Verdict.MET, Verdict.MET])
        _judge(activity, extra, [Verdict.NOT_MET, Verdict.MET])


@pytest.mark.parametrize("user", ["iqa", "assessor"])
def test_list_page_costs_the_same_queries_at_two_sizes(world, unit, criteria, evidence, user):
    client = client_for(getattr(world, user))
    url = reverse("quality:standardisation-list")
    _grow(world, unit, criteria, evidence, 1)
    small = _count(client, url)
    _grow(world, unit, criteria, evidence, 5)
    assert _count(client, url) == small


def test_results_page_costs_the_same_queries_with_more_assessors(world, unit, criteria, evidence):
    small_activity = _create(world, unit, criteria, evidence)
    _judge(small_activity, world.assessor, [Verdict.MET, Verdict.MET])
    close_judging(actor=world.iqa, activity=small_activity)
    extras = []
    for _ in range(4):
        extra = make_staff(world.centre, Role.ASSESSOR)
        make_registration(world.centre, assessor=extra, iqa=world.iqa)
        extras.append(extra)
    large_activity = _create(world, unit, criteria, evidence, assessors=[world.assessor, *extras])
    for assessor in [world.assessor, *extras]:
        _judge(large_activity, assessor, [Verdict.MET, Verdict.NOT_MET])
    close_judging(actor=world.iqa, activity=large_activity)
    client = client_for(world.iqa)
    small = _count(client, reverse("quality:standardisation-results", args=[small_activity.pk]))
    large = _count(client, reverse("quality:standardisation-results", args=[large_activity.pk]))
    assert small == large


# --- EQA pack ------------------------------------------------------------------------------------------------


def test_eqa_pack_holds_closed_records_and_hides_evidence_of_learners_not_in_it(world, unit, criteria):
    import io
    import zipfile

    from tracking.models import ExportJob

    shared_record = _create(world, unit, criteria, add_evidence(world.registration, criteria))
    _closed(world, shared_record)
    other = add_evidence(world.other_registration, criteria)
    other.title = "Omar's refund call"
    other.save(update_fields=["title"])
    unshared_record = _create(world, unit, criteria, other)
    _closed(world, unshared_record)
    still_open = _create(world, unit, criteria, other)
    share = _share_with_eqa(world)
    client = client_for(world.admin)
    client.post(reverse("quality:pack-request", args=[share.pk]))
    job = ExportJob.objects.get(kind="eqa_pack")
    assert job.status == ExportJob.Status.DONE, job.message
    response = client.get(reverse("tracking:job-download", args=[job.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    assert f"quality/standardisation-{shared_record.pk}.html" in names
    assert f"quality/standardisation-{still_open.pk}.html" not in names
    hidden = archive.read(f"quality/standardisation-{unshared_record.pk}.html").decode()
    assert "not in this pack" in hidden and "Omar" not in hidden and "Differ: 1 met, 1 not sure" in hidden
    index = archive.read("index.html").decode()
    assert f"quality/standardisation-{shared_record.pk}.html" in index
