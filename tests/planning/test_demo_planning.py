"""The demo learner has a signed plan with one overdue activity and visits booked; seeding again adds nothing."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from planning.models import AssessmentPlan, PlanSignature, Visit
from planning.selectors import overdue_items

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_media_root(media_root):
    return media_root


def test_demo_learner_has_a_signed_plan_an_overdue_item_and_upcoming_visits():
    call_command("seed_demo", stdout=io.StringIO())
    counts = (AssessmentPlan.objects.count(), PlanSignature.objects.count(), Visit.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (AssessmentPlan.objects.count(), PlanSignature.objects.count(), Visit.objects.count()) == counts
    plan = AssessmentPlan.objects.get(registration__learner__email="learner1@northgate.example")
    version = plan.versions.get(is_current=True)
    assert set(version.signatures.values_list("role", flat=True)) == {"learner", "assessor"}
    learner = plan.registration.learner
    assert len(overdue_items(learner=learner)) == 1
    assert Visit.objects.filter(registrations__learner=learner).count() == 2
    client = Client()
    assert client.login(email=learner.email, password="demo-pass-2026")
    home = client.get(reverse("home")).content.decode()
    # The overdue activity is listed once, in "Waiting for you"; the visit 10 days on, in the later visits.
    assert home.count("Write a reflective account of a difficult customer conversation") == 1
    assert "Professional discussion" in home
