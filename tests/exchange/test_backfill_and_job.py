import pytest
from django.core.management import call_command
from django.urls import reverse

from exchange.backfill import backfill
from ledger.models import ChainEntry
from ledger.services import verify
from tests.tracking.helpers import complete_unit, first_unit
from tracking.models import ExportJob

pytestmark = pytest.mark.django_db


def test_backfill_writes_a_chain_for_older_registrations_once(world):
    complete_unit(world.registration, first_unit(world.registration))  # rows made directly, with no chain
    assert not ChainEntry.objects.filter(registration_id=world.registration.pk).exists()
    written = backfill()
    entries = ChainEntry.objects.filter(registration_id=world.registration.pk)
    assert written[world.registration.pk] == entries.count() > 0
    assert {"link", "judgement", "decision"} <= set(entries.values_list("kind", flat=True))
    assert verify(world.registration).ok
    call_command("backfill_ledger")
    assert ChainEntry.objects.filter(registration_id=world.registration.pk).count() == written[world.registration.pk]


def test_the_learner_builds_their_portfolio_in_the_background(client, recorded):
    client.force_login(recorded.learner)
    response = client.post(reverse("exchange:portfolio-export", args=[recorded.pk]))
    export_job = ExportJob.objects.get(kind="portable_portfolio")
    assert response.url == reverse("tracking:job-status", args=[export_job.pk])
    assert export_job.status == ExportJob.Status.DONE and export_job.result_name.endswith(".zip")
    assert client.get(reverse("tracking:job-download", args=[export_job.pk])).status_code == 200


def test_a_centre_admin_exports_and_another_centres_admin_cannot(client, recorded, world):
    client.force_login(world.admin)
    client.post(reverse("exchange:portfolio-export", args=[recorded.pk]))
    export_job = ExportJob.objects.get(kind="portable_portfolio")
    assert export_job.status == ExportJob.Status.DONE
    client.force_login(world.other_admin)
    assert client.post(reverse("exchange:portfolio-export", args=[recorded.pk])).status_code == 404
    assert client.get(reverse("tracking:job-download", args=[export_job.pk])).status_code == 404
    client.force_login(world.assessor)
    assert client.post(reverse("exchange:portfolio-export", args=[recorded.pk])).status_code == 403


def test_the_registration_page_shows_the_chain_head(client, recorded, world):
    from ledger.services import head_of

    client.force_login(world.admin)
    page = client.get(reverse("portfolio:registration-detail", args=[recorded.pk])).content.decode()
    assert head_of(recorded.pk).head_hash[:14] in page
