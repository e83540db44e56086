"""The centre's learner list: progress, on-track flag, filters, search, pagination, cost and export."""

import csv
import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.spreadsheets import safe_cell
from portfolio.models import CriterionDecision, Registration
from portfolio.progress import Progress
from portfolio.services.registration import schedule_for
from qualifications.models import AssessmentCriterion
from tests.factories import make_registration, make_user

pytestmark = pytest.mark.django_db

LIST = reverse("portfolio:registration-list")


def test_list_shows_each_learner_with_qualification_staff_dates_and_progress(client, world):
    criterion = AssessmentCriterion.objects.filter(unit__in=world.registration.plan.values("unit_id")).first()
    CriterionDecision.objects.create(
        registration=world.registration, criterion=criterion, decided_by=world.assessor, met_on=dt.date.today()
    )
    required = AssessmentCriterion.objects.filter(unit__in=world.registration.plan.values("unit_id")).count()
    client.force_login(world.admin)
    content = client.get(LIST).content.decode()
    assert "Lena Learner" in content and "Omar Other" in content
    assert world.registration.qualification.number in content
    assert f"1 of {required} criteria" in content
    assert world.registration.planned_end_date.strftime("%-d %b %Y") in content
    assert world.other_centre_registration.learner.full_name not in content


def test_assessor_sees_only_their_own_learners(client, world):
    client.force_login(world.other_assessor)
    content = client.get(LIST).content.decode()
    assert "Omar Other" in content and "Lena Learner" not in content


def test_qualified_assessor_also_sees_their_trainees_learners(client, world):
    client.force_login(world.assessor)
    content = client.get(LIST).content.decode()
    assert world.trainee_registration.learner.full_name in content


def test_filters_and_search(client, world):
    client.force_login(world.admin)
    content = client.get(LIST, {"assessor": world.other_assessor.pk}).content.decode()
    assert "Omar Other" in content and "Lena Learner" not in content
    content = client.get(LIST, {"q": "lena"}).content.decode()
    assert "Lena Learner" in content and "Omar Other" not in content
    Registration.objects.filter(pk=world.registration.pk).update(uln="1234567899")
    content = client.get(LIST, {"q": "1234567899"}).content.decode()
    assert "Lena Learner" in content and "Omar Other" not in content
    Registration.objects.filter(pk=world.other_registration.pk).update(status=Registration.Status.WITHDRAWN)
    assert "Omar Other" not in client.get(LIST).content.decode()
    assert "Omar Other" in client.get(LIST, {"status": "withdrawn"}).content.decode()
    Registration.objects.filter(pk=world.registration.pk).update(planned_end_date=dt.date.today() - dt.timedelta(1))
    content = client.get(LIST, {"overdue": "on"}).content.decode()
    assert "Lena Learner" in content and world.trainee_registration.learner.full_name not in content
    assert "Past planned end" in content


def test_pagination(client, world):
    for n in range(30):
        make_registration(world.centre, make_user(full_name=f"Zed {n:02d}"), assessor=world.assessor, iqa=world.iqa)
    client.force_login(world.admin)
    first = client.get(LIST).content.decode()
    assert "Page 1 of 2" in first
    second = client.get(LIST, {"page": 2}).content.decode()
    assert "Zed 29" in second and "Zed 29" not in first


def _learners_on(page: str) -> list[tuple[str, str]]:
    """(link to the registration, learner's name) of each row, in order."""
    return re.findall(r'<td><a href="(/[^"]*)">([^<]+)</a>', page)


def test_the_unfiltered_list_pages_through_the_same_learners_in_the_same_order_as_a_filtered_one(client, world):
    # Unfiltered, the list is read by its own compiled reads; filtered by the admin's only centre, by the general
    # query: the same learners, in the same order, page by page, with the same count.
    for n in range(30):
        make_registration(world.centre, make_user(full_name=f"Zed {n % 7}"), assessor=world.assessor, iqa=world.iqa)
    client.force_login(world.admin)
    for page in (1, 2, 99, "x"):
        unfiltered = client.get(LIST, {"page": page}).content.decode()
        filtered = client.get(LIST, {"page": page, "centre": world.centre.pk}).content.decode()
        assert _learners_on(unfiltered) == _learners_on(filtered) and _learners_on(unfiltered)
        count = re.search(r"(\d+) registrations", filtered).group(1)
        assert f"{count} registrations" in unfiltered
        assert re.search(r"Page \d of \d", unfiltered).group() == re.search(r"Page \d of \d", filtered).group()


def test_the_unfiltered_list_with_no_active_learners_says_so(client, world):
    Registration.objects.filter(centre=world.centre).update(status=Registration.Status.WITHDRAWN)
    client.force_login(world.admin)
    content = client.get(LIST).content.decode()
    assert "0 registrations" in content and "No learners match." in content


def test_list_queries_do_not_grow_with_learners(client, world):
    client.force_login(world.admin)
    with CaptureQueriesContext(connection) as small:
        client.get(LIST)
    for n in range(12):
        learner = make_user(full_name=f"Many {n}")
        registration = make_registration(
            world.centre,
            learner,
            assessor=world.assessor,
            iqa=world.iqa,
            qualification="600/5469/4",
            optional_units=["R/601/1209"],
        )
        criterion = AssessmentCriterion.objects.filter(unit__in=registration.plan.values("unit_id")).first()
        CriterionDecision.objects.create(registration=registration, criterion=criterion, decided_by=world.assessor)
    with CaptureQueriesContext(connection) as large:
        client.get(LIST)
    assert len(large) == len(small)
    # The session (with its user), roles, staff filters, qualification filter, count, the page, its progress (one
    # UNION, whose plan rows say whether any unit is carried over: none here, so no query for carries), the
    # catalogue's version, and the header bell's unread count.
    assert len(small) <= 9, [query["sql"][:60] for query in small]


def make_registration_stub(start, end, status="active"):
    return Registration(start_date=start, planned_end_date=end, status=status)


def test_on_track_flag_from_the_dates():
    today = dt.date(2026, 6, 1)
    halfway = make_registration_stub(dt.date(2026, 1, 1), dt.date(2026, 11, 1))
    assert schedule_for(halfway, Progress(met=50, required=100, awaiting_review=0), today).key == "on_track"
    assert schedule_for(halfway, Progress(met=10, required=100, awaiting_review=0), today).key == "behind"
    late = make_registration_stub(dt.date(2025, 1, 1), dt.date(2026, 5, 1))
    assert schedule_for(late, Progress(met=90, required=100, awaiting_review=0), today).key == "overdue"
    future = make_registration_stub(dt.date(2026, 7, 1), dt.date(2027, 7, 1))
    assert schedule_for(future, Progress(0, 100, 0), today).key == "not_started"
    closed = make_registration_stub(dt.date(2025, 1, 1), dt.date(2026, 5, 1), status="withdrawn")
    assert schedule_for(closed, Progress(0, 100, 0), today).key == "closed"


@pytest.mark.parametrize("value", ['=HYPERLINK("x")', "+1", "-1", "@SUM(A1)"])
def test_csv_cells_cannot_become_formulas(value):
    assert safe_cell(value) == "'" + value


def test_export_is_scoped_and_formula_safe(client, world):
    world.learner.full_name = "=cmd|' /C calc'!A0"
    world.learner.save()
    client.force_login(world.admin)
    response = client.get(reverse("portfolio:registration-export"))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["centre", "learner", "email"]
    names = [row[1] for row in rows[1:]]
    assert "'=cmd|' /C calc'!A0" in names
    assert world.other_centre_registration.learner.full_name not in names
    assert len(rows) == 1 + Registration.objects.filter(centre=world.centre, status="active").count()


def _options(content: str, name: str) -> list[str]:
    import re

    select = re.search(rf'<select[^>]*name="{name}".*?</select>', content, re.S).group(0)
    return [value for value in re.findall(r'<option value="([^"]*)"', select) if value]


def test_staff_filters_offer_the_centres_assessors_and_iqas_from_their_memberships(client, world):
    from centres.models import Membership, Role
    from tests.factories import make_staff

    idle_assessor = make_staff(world.centre, Role.ASSESSOR)  # no learners yet: still a choice
    former = make_staff(world.centre, Role.ASSESSOR)
    Membership.objects.filter(user=former).update(is_active=False)  # registrations may still name them
    client.force_login(world.admin)
    content = client.get(LIST).content.decode()
    assessors, iqas = _options(content, "assessor"), _options(content, "iqa")
    for user in (world.assessor, world.other_assessor, world.trainee, idle_assessor, former):
        assert str(user.pk) in assessors
    assert str(world.iqa.pk) in iqas and str(world.iqa.pk) not in assessors
    assert str(world.assessor.pk) not in iqas
    assert str(world.other_centre_assessor.pk) not in assessors  # another centre's staff are never offered
    content = client.get(LIST, {"iqa": world.iqa.pk, "status": "all"}).content.decode()
    assert "Lena Learner" in content and "Omar Other" in content
    assert client.get(LIST, {"assessor": "not-a-number"}).status_code == 200


def _selected(content: str, name: str) -> list[str]:
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', content, re.S).group(0)
    return re.findall(r'<option value="([^"]*)" selected>', select)


def test_a_staff_filter_keeps_its_choice_escapes_names_and_refuses_anyone_not_on_offer(client, world):
    world.other_assessor.full_name = "<b>Olly</b> & Co"
    world.other_assessor.save()
    client.force_login(world.admin)
    content = client.get(LIST).content.decode()
    assert _selected(content, "assessor") == [""] and _selected(content, "iqa") == [""]
    assert "&lt;b&gt;Olly&lt;/b&gt; &amp; Co</option>" in content and "<b>Olly</b>" not in content

    content = client.get(LIST, {"assessor": world.other_assessor.pk}).content.decode()
    assert _selected(content, "assessor") == [str(world.other_assessor.pk)]
    assert "Omar Other" in content and "Lena Learner" not in content

    # Another centre's assessor is not a choice here: the filter is refused, nothing is selected or filtered by it.
    content = client.get(LIST, {"assessor": world.other_centre_assessor.pk}).content.decode()
    assert _selected(content, "assessor") == []
    assert "Lena Learner" in content and "Omar Other" in content
    assert world.other_centre_registration.learner.full_name not in content


def test_staff_of_two_centres_see_the_whole_centre_they_run_and_their_own_learners_elsewhere(client, world):
    from centres.models import Role
    from tests.factories import make_staff

    make_staff(world.other_centre, Role.ASSESSOR, user=world.admin)  # admin here, assessor with no learners there
    client.force_login(world.admin)
    content = client.get(LIST).content.decode()
    assert "Lena Learner" in content and "Omar Other" in content
    assert world.other_centre_registration.learner.full_name not in content
    make_registration(world.other_centre, make_user(full_name="Tara Twocentres"), assessor=world.admin, iqa=world.iqa)
    content = client.get(LIST).content.decode()
    assert "Tara Twocentres" in content and world.other_centre_registration.learner.full_name not in content
    assert str(world.other_centre_assessor.pk) in _options(content, "assessor")
    assert client.get(LIST, {"centre": world.other_centre.pk}).status_code == 200
    assert client.get(LIST, {"centre": 999999}).status_code == 404
