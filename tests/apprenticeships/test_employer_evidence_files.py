"""An employer contact opening their apprentices' evidence files, when the centre allows it: the bytes are checked
against the SHA-256 taken at upload on their way out, each file opened is in the audit history, and nobody else's
apprentice, no draft and no changed file is ever sent. The evidence list on their page stays at a fixed number of
queries however much evidence there is."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apprenticeships.models import CentreApprenticeshipSettings
from apprenticeships.services.contacts import deactivate_employer_contact
from centres.models import Event
from portfolio.models import EvidenceFile
from portfolio.services.checks import allowed_criteria
from tests import samples
from tests.apprenticeships.helpers import make_apprentice_registration, make_apprenticeship
from tests.portfolio.helpers import make_evidence

from .helpers import signed_in

pytestmark = pytest.mark.django_db

OPENED = "apprenticeship.employer_opened_evidence_file"


@pytest.fixture
def allowed(world):
    return CentreApprenticeshipSettings.objects.create(centre=world.centre, employers_see_evidence=True)


def _pdf_evidence(registration, title="Complaint log"):
    first_on_plan = sorted(allowed_criteria(registration).values(), key=lambda criterion: criterion.pk)[:1]
    evidence = make_evidence(
        registration,
        criteria=first_on_plan,
        title=title,
        files=[samples.upload("Complaint log.pdf", samples.pdf_bytes(title))],
    )
    return evidence, evidence.files.get()


def _file_url(record: EvidenceFile) -> str:
    return reverse("apprenticeships:employer-evidence-file", args=[record.pk])


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_employer_contact_opens_their_apprentices_file_checked_and_recorded(world, apprenticeship, allowed, media_root):
    _evidence, record = _pdf_evidence(world.registration)
    erin = apprenticeship.employer_contact.user
    client = signed_in(erin)
    page = client.get(reverse("apprenticeships:employer-apprentice", args=[apprenticeship.pk])).content.decode()
    assert "Complaint log" in page and _file_url(record) in page

    response = client.get(_file_url(record))
    assert response.status_code == 200
    assert _body(response) == (media_root / record.file.name).read_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff" and "sandbox" in response["Content-Security-Policy"]
    (event,) = Event.objects.filter(action=OPENED)
    assert event.actor == erin and event.registration_id == world.registration.pk
    assert "Complaint log.pdf" in event.summary and event.data["sha256"] == record.sha256
    record.refresh_from_db()
    assert record.integrity == EvidenceFile.Integrity.OK  # hashed on the way out


def test_with_the_centres_setting_off_the_file_is_refused_with_403_and_not_linked(world, apprenticeship, media_root):
    _evidence, record = _pdf_evidence(world.registration)
    client = signed_in(apprenticeship.employer_contact.user)
    page = client.get(reverse("apprenticeships:employer-apprentice", args=[apprenticeship.pk])).content.decode()
    assert _file_url(record) not in page and "Complaint log" not in page
    assert client.get(_file_url(record)).status_code == 403
    CentreApprenticeshipSettings.objects.create(centre=world.centre, employers_see_evidence=False)
    assert client.get(_file_url(record)).status_code == 403
    assert not Event.objects.filter(action=OPENED).exists()


def test_another_employers_apprentices_file_is_a_404(world, apprenticeship, allowed, media_root):
    other_registration = make_apprentice_registration(world)
    make_apprenticeship(
        world,
        registration=other_registration,
        employer_name="Seaside Stores",
        contact_name="Sam Seaside",
        contact_email="sam@seaside.test",
    )
    _evidence, theirs = _pdf_evidence(other_registration)
    response = signed_in(apprenticeship.employer_contact.user).get(_file_url(theirs))
    assert response.status_code == 404
    assert not Event.objects.filter(action=OPENED).exists()


def test_a_draft_is_not_sent(world, apprenticeship, allowed, media_root):
    draft = make_evidence(
        world.registration, submit=False, files=[samples.upload("Notes.pdf", samples.pdf_bytes("Draft"))]
    )
    client = signed_in(apprenticeship.employer_contact.user)
    assert client.get(_file_url(draft.files.get())).status_code == 404


def test_a_deactivated_contact_is_refused(world, apprenticeship, allowed, media_root):
    _evidence, record = _pdf_evidence(world.registration)
    contact = apprenticeship.employer_contact
    client = signed_in(contact.user)
    assert client.get(_file_url(record)).status_code == 200
    deactivate_employer_contact(actor=world.admin, contact=contact, reason="Left the company")
    contact.user.refresh_from_db()
    assert not contact.user.is_active  # a contact nowhere else: their account is disabled
    refused = client.get(_file_url(record))
    assert refused.status_code == 302 and reverse("account_login") in refused["Location"]
    # Still signed in as an active user (a contact elsewhere, say): this employer's files are refused.
    contact.user.is_active = True
    contact.user.save(update_fields=["is_active"])
    assert signed_in(contact.user).get(_file_url(record)).status_code == 403
    assert Event.objects.filter(action=OPENED).count() == 1


def test_staff_and_the_learner_use_the_portfolio_not_the_employer_address(world, apprenticeship, allowed, media_root):
    _evidence, record = _pdf_evidence(world.registration)
    for user in (world.assessor, world.admin, world.learner):
        assert signed_in(user).get(_file_url(record)).status_code == 403, user


def test_a_file_changed_since_upload_is_not_sent_and_the_centre_is_told(world, apprenticeship, allowed, media_root):
    _evidence, record = _pdf_evidence(world.registration)
    (media_root / record.file.name).write_bytes(samples.pdf_bytes("Changed afterwards"))
    response = signed_in(apprenticeship.employer_contact.user).get(_file_url(record))
    assert response.status_code == 500
    assert "failed its integrity check and has not been sent" in _body(response).decode()
    record.refresh_from_db()
    assert record.integrity == EvidenceFile.Integrity.TAMPERED
    assert Event.objects.filter(action="evidence_file.integrity_failed").exists()
    assert not Event.objects.filter(action=OPENED).exists()


def _queries_for_the_employer_page(client, apprenticeship) -> int:
    url = reverse("apprenticeships:employer-apprentice", args=[apprenticeship.pk])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_employer_page_lists_evidence_files_in_a_fixed_number_of_queries(
    world, apprenticeship, allowed, media_root
):
    client = signed_in(apprenticeship.employer_contact.user)
    _pdf_evidence(world.registration, title="First log")
    client.get(reverse("apprenticeships:employer-apprentice", args=[apprenticeship.pk]))  # warm the caches
    small = _queries_for_the_employer_page(client, apprenticeship)
    for number in range(4):
        evidence, _record = _pdf_evidence(world.registration, title=f"Log {number}")
    page = client.get(reverse("apprenticeships:employer-apprentice", args=[apprenticeship.pk])).content.decode()
    assert page.count("/employer/files/") == 5
    assert _queries_for_the_employer_page(client, apprenticeship) == small
