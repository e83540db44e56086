"""The catalogue held in memory per process (qualifications.cache): pages stop querying it, and a change made by
load_catalogue shows on the very next request, in this process or any other."""

import io
import json
import shutil
import uuid

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from centres.models import User
from qualifications.cache import catalogue
from qualifications.models import AssessmentCriterion, AssessmentMethod, CatalogueVersion, Unit
from qualifications.services.catalogue import FIXTURES_DIR
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

UNIT = "J/600/1003"
OLD_TEXT = "Identify the purpose of customer service"
NEW_TEXT = "Identify the purpose of customer service, as corrected"
CATALOGUE_TABLES = [
    "qualifications_qualification",
    "qualifications_qualificationunit",
    "qualifications_unit",
    "qualifications_learningoutcome",
    "qualifications_assessmentcriterion",
    "qualifications_pathway",
]


def _criterion() -> AssessmentCriterion:
    return AssessmentCriterion.objects.get(unit__reference=UNIT, code="1.1")


def _sheet(client, world) -> tuple[str, list[str]]:
    unit = Unit.objects.get(reference=UNIT)
    url = reverse("tracking:sheet", args=[world.registration.pk, unit.pk])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), [query["sql"] for query in captured]


def _fixtures_with_new_text(tmp_path):
    directory = tmp_path / "catalogue"
    shutil.copytree(FIXTURES_DIR, directory)
    path = next(p for p in directory.glob("*.json") if f'"{UNIT}"' in p.read_text(encoding="utf-8"))
    document = json.loads(path.read_text(encoding="utf-8"))
    unit = next(unit for unit in document["units"] if unit["reference"] == UNIT)
    criterion = unit["learning_outcomes"][0]["criteria"][0]
    assert criterion["text"] == OLD_TEXT
    criterion["text"] = NEW_TEXT
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return directory


def test_a_sheet_reads_no_catalogue_table_once_the_catalogue_is_held(client, world):
    client.force_login(world.learner)
    _sheet(client, world)
    page, queries = _sheet(client, world)
    assert OLD_TEXT in page
    assert not [sql for sql in queries if any(f'FROM "{table}"' in sql for table in CATALOGUE_TABLES)]
    # The catalogue's version is read once, with the signed-in person's session, however many parts of the page
    # use the catalogue: no query of its own.
    assert [sql for sql in queries if '"qualifications_catalogueversion"' in sql] == [
        sql for sql in queries if sql.startswith('SELECT "centres_usersession"')
    ]


def test_after_load_catalogue_changes_a_criterion_the_next_request_shows_the_new_text(client, world, tmp_path):
    client.force_login(world.learner)
    assert OLD_TEXT in _sheet(client, world)[0]
    call_command("load_catalogue", directory=_fixtures_with_new_text(tmp_path), stdout=io.StringIO())
    page = _sheet(client, world)[0]
    assert NEW_TEXT in page


def test_a_load_by_another_process_is_seen_through_the_version_alone(client, world):
    client.force_login(world.learner)
    assert OLD_TEXT in _sheet(client, world)[0]
    # Another process writes the criterion (no signal reaches this one) ...
    AssessmentCriterion.objects.filter(pk=_criterion().pk).update(text=NEW_TEXT)
    page = _sheet(client, world)[0]
    assert OLD_TEXT in page and NEW_TEXT not in page  # ... which this process does not know yet, until
    # ... it bumps the version, as load_catalogue does at the end of its transaction.
    CatalogueVersion.objects.filter(pk=1).update(token=uuid.uuid4())
    page = _sheet(client, world)[0]
    assert NEW_TEXT in page


def test_load_catalogue_bumps_the_version():
    before = CatalogueVersion.objects.get(pk=1).token
    call_command("load_catalogue", stdout=io.StringIO())
    assert CatalogueVersion.objects.get(pk=1).token != before


def test_the_catalogue_is_read_again_only_when_its_version_changed():
    held = catalogue()
    assert catalogue() is held
    CatalogueVersion.objects.filter(pk=1).update(token=uuid.uuid4())
    assert catalogue() is not held


def test_rows_held_in_memory_cannot_be_changed_or_saved():
    criterion = catalogue().criteria[_criterion().pk]
    with pytest.raises(AttributeError):
        criterion.text = "Changed in memory"
    with pytest.raises(TypeError):
        criterion.save()
    with pytest.raises(TypeError):
        criterion.delete()
    assert criterion.text == OLD_TEXT
    assert criterion == _criterion() and isinstance(criterion, AssessmentCriterion)


def test_relations_inside_the_catalogue_are_filled_in_without_queries(django_assert_num_queries):
    held = catalogue()
    criterion = held.criteria[_criterion().pk]
    membership = next(
        m for m in held.memberships(criterion.unit.qualifications.first().pk) if m.unit_id == criterion.unit_id
    )
    with django_assert_num_queries(0):
        assert criterion.unit.reference == UNIT
        assert criterion.learning_outcome.number == "1"
        assert criterion.pathway is None
        assert membership.unit.number_in_qualification == "1"
        assert [c.code for c in held.criteria_of(criterion.unit_id)][:2] == ["1.1", "1.2"]


def test_an_assessment_method_changed_in_the_admin_shows_on_the_next_sheet(client, world):
    client.force_login(world.learner)
    method = AssessmentMethod.objects.get(code="Obs")
    before = _sheet(client, world)[0]
    assert method.name in before and "Watched at work" not in before
    admin = User.objects.create_superuser(email="root@example.test", password=PASSWORD, full_name="Root")
    client.force_login(admin)
    response = client.post(
        reverse("admin:qualifications_assessmentmethod_change", args=[method.pk]),
        {"code": "Obs", "name": "Watched at work", "description": method.description, "order": method.order},
    )
    assert response.status_code == 302
    client.force_login(world.learner)
    assert "Watched at work" in _sheet(client, world)[0]
