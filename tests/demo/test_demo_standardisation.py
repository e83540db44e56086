"""The demo's finished standardisation activity: what an EQA asks to see at a visit."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from quality.models import StandardisationActivity
from quality.selectors import standardisation_results

pytestmark = pytest.mark.django_db

PASSWORD = "demo-pass-2026"


def client_for(email: str) -> Client:
    client = Client()
    assert client.login(email=email, password=PASSWORD), email
    return client


def test_demo_has_a_closed_standardisation_record_that_the_iqa_and_the_eqa_can_read(media_root):
    call_command("seed_demo", stdout=io.StringIO())
    activity = StandardisationActivity.objects.get()
    assert activity.is_closed and activity.minutes and activity.actions.count() == 1
    results = standardisation_results(activity)
    assert len(results.submitted) == 2
    assert results.differences == 1
    assert all(row.item.agreed_outcome for row in results.rows)
    url = reverse("quality:standardisation-results", args=[activity.pk])
    assert client_for("iqa@northgate.example").get(url).status_code == 200
    eqa_home = client_for("eqa@awarding.example").get(reverse("quality:eqa-home")).content.decode()
    assert url in eqa_home
    assert client_for("eqa@awarding.example").get(url).status_code == 200
