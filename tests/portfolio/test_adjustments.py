"""Reasonable adjustments and special considerations: a request (what, why, which units or assessments), the centre
admin's decision (approved with what was adjusted, or refused with the reason), shown to the assessor when judging
and on the unit sheet, and the centre's register with filters and a CSV export."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from centres.models import Event
from portfolio.models import Adjustment
from portfolio.services import AlreadyDone, NotAllowed, PortfolioError
from portfolio.services.adjustments import add_adjustment_files, decide_adjustment, request_adjustment
from qualifications.models import Unit
from tests import samples
from tests.factories import make_registration
from tests.portfolio.helpers import UNIT_A, UNIT_B, criteria_of, login, make_evidence, stored_files

pytestmark = pytest.mark.django_db

EXTRA_TIME = "25% extra time for the written questions"


def _request(world, actor=None, registration=None, **overrides):
    arguments = {
        "kind": Adjustment.Kind.REASONABLE_ADJUSTMENT,
        "what": EXTRA_TIME,
        "why": "Dyslexia: assessed by the learning support team in September.",
        "units": [Unit.objects.get(reference=UNIT_A)],
        "assessments": "written questions",
        **overrides,
    }
    return request_adjustment(
        actor=actor or world.assessor, registration=registration or world.registration, **arguments
    )


def _approved(world, **overrides):
    adjustment = _request(world, **overrides)
    return decide_adjustment(actor=world.admin, adjustment=adjustment, approve=True, adjusted="Extra time given")


# --- Request ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["assessor", "admin"])
def test_the_assessor_or_the_admin_records_a_request(world, who):
    adjustment = _request(world, actor=getattr(world, who))
    assert adjustment.status == Adjustment.Status.REQUESTED
    assert [unit.reference for unit in adjustment.units.all()] == [UNIT_A]
    event = Event.objects.get(action="adjustment.requested")
    assert event.actor == getattr(world, who) and event.data["units"] == [UNIT_A]


@pytest.mark.parametrize("who", ["learner", "iqa", "other_assessor", "other_admin"])
def test_nobody_else_records_a_request(world, who):
    with pytest.raises(NotAllowed):
        _request(world, actor=getattr(world, who))
    assert not Adjustment.objects.exists()


def test_a_request_says_what_and_why_for_units_on_the_plan(world):
    with pytest.raises(PortfolioError, match="Say what is asked for"):
        _request(world, what=" ")
    with pytest.raises(PortfolioError, match="Say why"):
        _request(world, why="")
    with pytest.raises(PortfolioError, match="not on this learner's plan"):
        _request(world, units=[Unit.objects.get(reference="Y/601/1213")])
    assert not Adjustment.objects.exists()


# --- Decision --------------------------------------------------------------------------------------------------------


def test_the_admin_approves_saying_what_was_adjusted(world):
    adjustment = _request(world)
    with pytest.raises(PortfolioError, match="Say what was adjusted"):
        decide_adjustment(actor=world.admin, adjustment=adjustment, approve=True, adjusted="")
    decide_adjustment(actor=world.admin, adjustment=adjustment, approve=True, adjusted="Extra time given")
    adjustment.refresh_from_db()
    assert adjustment.status == Adjustment.Status.APPROVED and adjustment.decided_by == world.admin
    assert Event.objects.get(action="adjustment.decided").data["adjusted"] == "Extra time given"
    with pytest.raises(AlreadyDone):
        decide_adjustment(actor=world.admin, adjustment=adjustment, approve=False, reason="Changed my mind")
    assert Event.objects.filter(action="adjustment.decided").count() == 1


def test_a_refusal_needs_the_reason(world):
    adjustment = _request(world)
    with pytest.raises(PortfolioError, match="reason for refusing"):
        decide_adjustment(actor=world.admin, adjustment=adjustment, approve=False, reason=" ")
    decide_adjustment(actor=world.admin, adjustment=adjustment, approve=False, reason="Not supported by evidence")
    adjustment.refresh_from_db()
    assert adjustment.status == Adjustment.Status.REFUSED and adjustment.decision_reason == "Not supported by evidence"


@pytest.mark.parametrize("who", ["assessor", "iqa", "learner", "other_admin"])
def test_only_a_centre_admin_decides(world, who):
    adjustment = _request(world)
    with pytest.raises(NotAllowed):
        decide_adjustment(actor=getattr(world, who), adjustment=adjustment, approve=True, adjusted="Extra time")
    adjustment.refresh_from_db()
    assert adjustment.status == Adjustment.Status.REQUESTED


# --- Where it is shown ---------------------------------------------------------------------------------------------


def test_the_assessor_sees_approved_adjustments_for_the_units_being_judged(client, world):
    _approved(world)
    _request(world, what="A reader for unit 2", units=[Unit.objects.get(reference=UNIT_B)])  # not decided
    evidence = make_evidence(world.registration, criteria=criteria_of(UNIT_A, 1))
    login(client, world.assessor)
    html = client.get(reverse("portfolio:evidence-judge", args=[evidence.pk])).content.decode()
    assert "Approved adjustments and special considerations" in html and "Extra time given" in html
    assert "A reader for unit 2" not in html


def test_an_adjustment_for_another_unit_is_not_shown_when_judging(client, world):
    _approved(world, units=[Unit.objects.get(reference=UNIT_B)])
    evidence = make_evidence(world.registration, criteria=criteria_of(UNIT_A, 1))
    login(client, world.assessor)
    html = client.get(reverse("portfolio:evidence-judge", args=[evidence.pk])).content.decode()
    assert "Extra time given" not in html


def test_the_unit_sheet_shows_approved_adjustments(client, world):
    _approved(world)
    unit_a, unit_b = Unit.objects.get(reference=UNIT_A), Unit.objects.get(reference=UNIT_B)
    login(client, world.assessor)
    sheet = client.get(reverse("tracking:sheet", args=[world.registration.pk, unit_a.pk])).content.decode()
    assert "Extra time given" in sheet
    other = client.get(reverse("tracking:sheet", args=[world.registration.pk, unit_b.pk])).content.decode()
    assert "Extra time given" not in other


def test_the_learner_sees_their_adjustments_on_their_registration(client, world):
    _approved(world)
    login(client, world.learner)
    html = client.get(reverse("portfolio:registration-detail", args=[world.registration.pk])).content.decode()
    assert "Reasonable adjustment" in html and "Extra time given" in html
    assert reverse("portfolio:adjustment-create", args=[world.registration.pk]) not in html


# --- Pages -----------------------------------------------------------------------------------------------------------


def test_request_and_decide_through_the_pages(client, world):
    login(client, world.assessor)
    unit = Unit.objects.get(reference=UNIT_A)
    response = client.post(
        reverse("portfolio:adjustment-create", args=[world.registration.pk]),
        {"kind": "special_consideration", "what": "Bereavement: one week's delay", "why": "Family", "units": [unit.pk]},
    )
    adjustment = Adjustment.objects.get()
    assert response.status_code == 302 and response.url == reverse("portfolio:adjustment-detail", args=[adjustment.pk])
    assert (
        client.post(reverse("portfolio:adjustment-decide", args=[adjustment.pk]), {"decision": "approve"}).status_code
        == 403
    )

    login(client, world.admin)
    page = client.get(reverse("portfolio:adjustment-detail", args=[adjustment.pk])).content.decode()
    assert "Record the decision" in page
    client.post(reverse("portfolio:adjustment-decide", args=[adjustment.pk]), {"decision": "refuse", "reason": ""})
    adjustment.refresh_from_db()
    assert adjustment.status == Adjustment.Status.REQUESTED
    client.post(
        reverse("portfolio:adjustment-decide", args=[adjustment.pk]),
        {"decision": "approve", "adjusted": "Deadline moved by one week"},
    )
    adjustment.refresh_from_db()
    assert adjustment.status == Adjustment.Status.APPROVED and adjustment.adjusted == "Deadline moved by one week"


def _register(client, world, **query):
    return client.get(reverse("portfolio:adjustment-register", args=[world.centre.pk]), query).content.decode()


def test_register_lists_the_centres_requests_with_filters(client, world):
    _approved(world)
    _request(world, kind=Adjustment.Kind.SPECIAL_CONSIDERATION, what="Illness during the observation")
    other_centre = world.other_centre_registration
    request_adjustment(
        actor=world.other_admin, registration=other_centre, kind="reasonable_adjustment", what="Southbank only", why="x"
    )
    for who in (world.admin, world.iqa):
        login(client, who)
        html = _register(client, world)
        assert EXTRA_TIME in html and "Illness during the observation" in html and "Southbank only" not in html
    html = _register(client, world, kind="special_consideration")
    assert "Illness during the observation" in html and EXTRA_TIME not in html
    html = _register(client, world, status="approved")
    assert EXTRA_TIME in html and "Illness during the observation" not in html


def test_register_csv_is_filtered_and_formula_safe(client, world):
    _approved(world, what='=HYPERLINK("http://x")')
    _request(world, kind=Adjustment.Kind.SPECIAL_CONSIDERATION, what="Illness")
    login(client, world.admin)
    response = client.get(reverse("portfolio:adjustment-register-csv", args=[world.centre.pk]), {"status": "approved"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["learner", "qualification", "kind", "what"]
    assert len(rows) == 2
    assert rows[1][3] == '\'=HYPERLINK("http://x")' and rows[1][9] == "Approved" and rows[1][13] == "Extra time given"


def test_register_is_for_the_admin_and_iqa_of_the_centre(client, world):
    for who, status in (("assessor", 403), ("learner", 404), ("other_admin", 404)):
        login(client, getattr(world, who))
        assert client.get(reverse("portfolio:adjustment-register", args=[world.centre.pk])).status_code == status, who


def test_register_queries_do_not_grow_with_requests(client, world):
    login(client, world.admin)
    _approved(world)
    _register(client, world)
    with CaptureQueriesContext(connection) as few:
        _register(client, world)
    for _ in range(5):
        registration = make_registration(world.centre, assessor=world.assessor, iqa=world.iqa)
        _approved(world, registration=registration)
    with CaptureQueriesContext(connection) as many:
        html = _register(client, world)
    assert html.count(EXTRA_TIME) == 6
    assert len(many) == len(few)


# --- Supporting files ------------------------------------------------------------------------------------------------


def test_supporting_files_are_stored_hashed_and_served_only_within_the_portfolio(client, world, media_root):
    report = samples.upload("assessment report.pdf", samples.pdf_bytes())
    adjustment = _request(world, files=[report])
    (stored,) = adjustment.files.all()
    assert stored.original_name == "assessment report.pdf" and stored.content_type == "application/pdf"
    assert "assessment report" not in stored.file.name  # stored under a generated name
    assert Event.objects.get(action="adjustment.requested").data["files"][0]["sha256"] == stored.sha256
    url = reverse("portfolio:adjustment-file", args=[stored.pk])
    for who, status in (("learner", 200), ("assessor", 200), ("iqa", 200), ("other_learner", 404), ("eqa", 404)):
        login(client, getattr(world, who))
        response = client.get(url)
        assert response.status_code == status, who
        if status == 200:
            assert "attachment" in response["Content-Disposition"]
            assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_refused_file_stores_no_request_and_no_file(world, media_root):
    hostile = samples.upload("letter.pdf", samples.pdf_with_javascript())
    with pytest.raises(PortfolioError):
        _request(world, files=[hostile])
    assert not Adjustment.objects.exists()
    assert stored_files(media_root) == []


def test_files_are_added_later_by_the_assessor_not_the_learner(client, world, media_root):
    adjustment = _request(world)
    url = reverse("portfolio:adjustment-files", args=[adjustment.pk])
    login(client, world.learner)
    assert client.post(url, {"files": samples.upload("a.pdf", samples.pdf_bytes())}).status_code == 403
    login(client, world.assessor)
    response = client.post(url, {"files": samples.upload("letter.pdf", samples.pdf_bytes())})
    assert response.status_code == 302
    assert [file.original_name for file in adjustment.files.all()] == ["letter.pdf"]
    assert Event.objects.filter(action="adjustment.files_added").count() == 1
    with pytest.raises(PortfolioError, match="Choose at least one file"):
        add_adjustment_files(actor=world.assessor, adjustment=adjustment, files=[])
