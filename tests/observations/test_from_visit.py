"""An observation recorded from a visit: the visit's page offers "Record an observation" for each learner on it (to
the visit's assessor), and the record keeps the visit; a visit that is not the assessor's, cancelled, or without
this learner is refused with nothing stored."""

import datetime as dt

import pytest
from django.urls import reverse

from observations.models import AssessmentRecord
from observations.services.recording import record_observation
from planning.services.visits import cancel_visit, schedule_visit
from portfolio.models import Evidence
from portfolio.services import PortfolioError
from tests.factories import client_for, make_registration, make_user
from tests.observations.helpers import drawn_by_learner, record_input
from tests.planning.helpers import visit_input

pytestmark = pytest.mark.django_db


def _visit(world, *registrations, **extra):
    return schedule_visit(
        user=world.assessor, data=visit_input(*(registrations or [world.registration]), date=dt.date.today(), **extra)
    )


def test_the_visit_page_offers_the_assessor_a_record_link_per_learner(world):
    second = make_registration(world.centre, make_user(full_name="Sam Second"), assessor=world.assessor, iqa=world.iqa)
    visit = _visit(world, world.registration, second)
    page = client_for(world.assessor).get(reverse("planning:visit-detail", args=[visit.pk])).content.decode()
    for registration in (world.registration, second):
        url = reverse("observations:observation-new", args=[registration.pk]) + f"?visit={visit.pk}"
        assert url in page
    learner_page = client_for(world.learner).get(reverse("planning:visit-detail", args=[visit.pk])).content.decode()
    assert "Record an observation" not in learner_page
    cancel_visit(visit=visit, user=world.assessor, reason="Ill")
    page = client_for(world.assessor).get(reverse("planning:visit-detail", args=[visit.pk])).content.decode()
    assert "Record an observation" not in page


def test_the_form_from_a_visit_keeps_it_and_the_record_shows_it(world, media_root):
    visit = _visit(world)
    client = client_for(world.assessor)
    url = reverse("observations:observation-new", args=[world.registration.pk]) + f"?visit={visit.pk}"
    page = client.get(url).content.decode()
    assert f'name="visit" value="{visit.pk}"' in page and 'id="from-visit"' in page
    data = record_input()
    record = record_observation(
        actor=world.assessor,
        registration=world.registration,
        data=data,
        learner_confirms_later=False,
        learner=drawn_by_learner(data),
        visit=visit,
    )
    assert AssessmentRecord.objects.get(pk=record.pk).visit == visit
    evidence_page = client.get(reverse("portfolio:evidence-detail", args=[record.evidence_id])).content.decode()
    assert 'id="record-visit"' in evidence_page and visit.purpose in evidence_page


def test_another_assessors_cancelled_or_unrelated_visit_is_refused_with_nothing_stored(world, media_root):
    other = make_registration(world.centre, make_user(full_name="Olly Other"), assessor=world.assessor, iqa=world.iqa)
    not_on_it = _visit(world, other)
    cancelled = _visit(world)
    cancel_visit(visit=cancelled, user=world.assessor, reason="Ill")
    for visit, message in ((not_on_it, "not on that visit"), (cancelled, "cancelled")):
        data = record_input()
        with pytest.raises(PortfolioError, match=message):
            record_observation(
                actor=world.assessor,
                registration=world.registration,
                data=data,
                learner_confirms_later=False,
                learner=drawn_by_learner(data),
                visit=visit,
            )
    assert not Evidence.objects.filter(registration=world.registration).exists()
    url = reverse("observations:observation-new", args=[world.registration.pk]) + "?visit=abc"
    assert client_for(world.assessor).get(url).status_code == 404
