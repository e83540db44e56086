import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portfolio.models import EvidenceLink
from qualifications.models import Unit
from tests.factories import DIPLOMA_SKILLS, NVQ, client_for, make_registration
from tests.sql_building import compiled_selects
from tracking.models import Signature, SignatureRole
from tracking.services.signoff import sign_unit

from .helpers import add_evidence, complete_unit, share_with_eqa

pytestmark = pytest.mark.django_db


def sheet_url(registration, unit, name="sheet"):
    return reverse(f"tracking:{name}", args=[registration.pk, unit.pk])


def test_sheet_shows_header_columns_methods_references_and_dates(world, completed):
    response = client_for(world.learner).get(sheet_url(world.registration, completed))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Evidence Tracking Sheet",
        "Lena Learner",
        "Northgate Training",
        "Highfield Level 2 Certificate in Customer Service (RQF)",
        "Unit 1: Delivery of effective customer service (J/600/1003)",
        "Learning Outcome",
        "Assessment Criteria",
        "Evidence Type",
        "Evidence Reference",
        "Date met",
        "Assessment method key:",
        "Once all assessment criteria and range have been met, the learner and assessor must sign and date this "
        "tracking sheet",
        "Fill in the portfolio reference for each assessment criteria",
        "Fill in each assessment method used using the key",
        "Insert the date that the Assessment Criteria was fully met",
        "Learner Signature",
        "Assessor Signature",
        "IQA Signature (if sampled)",
        "EQS Signature (if sampled)",
        "If sampled, the IQA/EQS must also sign and date this tracking sheet",
    ):
        assert text in html, text
    criteria = list(completed.criteria.all())
    for criterion in criteria:
        assert f'<span class="criterion-code">{criterion.code}</span>' in html
    assert "Obs, Q" in html and "WT, RA" in html
    first = world.registration.evidence.get(reference=1)
    assert f'href="{reverse("portfolio:evidence-detail", args=[first.pk])}" aria-label="Evidence 1"' in html
    assert 'id="evidence-1"' in html
    assert "01/02/2026" in html
    assert "Sign as learner" in html
    assert "Countersignature" not in html  # only where needed


def test_live_sheet_shows_progress_of_unmet_criteria(world, unit):
    criteria = list(unit.criteria.order_by("order"))
    add_evidence(world.registration, criteria[:1], status=EvidenceLink.Status.PENDING)
    html = client_for(world.assessor).get(sheet_url(world.registration, unit)).content.decode()
    assert "Evidence awaiting review" in html
    assert "No evidence" in html
    assert "In progress: 0 of 32 criteria met" in html


def test_criteria_off_the_learners_pathway_show_as_not_required(world):
    registration = make_registration(
        world.centre, assessor=world.assessor, iqa=world.iqa, qualification=DIPLOMA_SKILLS, pathway="face-to-face"
    )
    unit = Unit.objects.get(reference="M/617/6443")
    html = client_for(world.assessor).get(sheet_url(registration, unit)).content.decode()
    assert html.count("Not required on this pathway") == 3  # S9.4-S9.6 are for non-facing roles
    assert "S9.4" in html and "S9.1" in html


def test_countersignature_line_shows_for_a_trainees_learner(world):
    registration = world.trainee_registration
    unit = registration.units.order_by("reference").first()
    html = client_for(world.trainee).get(sheet_url(registration, unit)).content.decode()
    assert "Countersignature" in html


def test_learner_and_assessor_sign_through_the_page(world, completed):
    url = sheet_url(world.registration, completed)
    learner = client_for(world.learner)
    page = learner.get(url)
    content_hash = page.context["sheet"].state.content_hash
    # Without the declaration nothing is signed.
    response = learner.post(
        sheet_url(world.registration, completed, "sign"), {"role": "learner", "content_hash": content_hash}
    )
    assert response.status_code == 302 and not Signature.objects.exists()
    response = learner.post(
        sheet_url(world.registration, completed, "sign"),
        {"role": "learner", "content_hash": content_hash, "declaration": "on"},
        follow=True,
    )
    assert "You signed the tracking sheet of J/600/1003 as learner" in response.content.decode()
    assessor = client_for(world.assessor)
    response = assessor.post(
        sheet_url(world.registration, completed, "sign"),
        {"role": "assessor", "content_hash": content_hash},
        follow=True,
    )
    html = response.content.decode()
    assert "Signed off" in html
    assert html.count("Content matches") == 2
    assert "Reopen unit" in html
    assert "The evidence behind this unit is frozen" in html


def test_signing_for_someone_else_through_the_page_is_refused_with_403_and_says_why(world, completed):
    content_hash = (
        client_for(world.learner).get(sheet_url(world.registration, completed)).context["sheet"].state.content_hash
    )
    response = client_for(world.assessor).post(
        sheet_url(world.registration, completed, "sign"),
        {"role": "learner", "content_hash": content_hash, "declaration": "on"},
    )
    assert response.status_code == 403
    assert "Only the learner, Lena Learner, can sign as the learner." in response.content.decode()
    assert not Signature.objects.exists()


def test_a_reader_who_holds_no_signing_role_is_refused_with_403_whatever_they_post(world, completed):
    response = client_for(world.admin).post(sheet_url(world.registration, completed, "sign"), {})
    assert response.status_code == 403
    assert not Signature.objects.exists()


def test_signing_before_the_sheet_is_complete_is_a_message_not_a_refusal(world, unit):
    content_hash = (
        client_for(world.learner).get(sheet_url(world.registration, unit)).context["sheet"].state.content_hash
    )
    response = client_for(world.learner).post(
        sheet_url(world.registration, unit, "sign"),
        {"role": "learner", "content_hash": content_hash, "declaration": "on"},
        follow=True,
    )
    assert response.status_code == 200
    assert "Every required criterion must be met" in response.content.decode()
    assert not Signature.objects.exists()


def test_reopen_through_the_page_needs_a_reason_and_voids_signatures(world, completed):
    sign_unit(registration=world.registration, unit=completed, user=world.learner, role="learner")
    sign_unit(registration=world.registration, unit=completed, user=world.assessor, role="assessor")
    assessor = client_for(world.assessor)
    url = sheet_url(world.registration, completed, "reopen")
    response = assessor.post(url, {"reason": ""}, follow=True)
    assert "Give a reason" in response.content.decode()
    assert Signature.objects.live().count() == 2
    response = client_for(world.learner).post(url, {"reason": "I want to"})
    assert response.status_code == 403
    assert "Only the learner&#x27;s assessor" in response.content.decode()
    response = assessor.post(url, {"reason": "New evidence from the workplace"}, follow=True)
    html = response.content.decode()
    assert "2 signatures voided" in html
    assert "Voided signatures" in html and "New evidence from the workplace" in html
    assert Signature.objects.live().count() == 0


def test_a_later_evidence_change_shows_that_the_unit_must_be_reopened(world, completed):
    from .helpers import new_version

    sign_unit(registration=world.registration, unit=completed, user=world.learner, role="learner")
    new_version(world.registration.evidence.order_by("reference").first())
    html = client_for(world.assessor).get(sheet_url(world.registration, completed)).content.decode()
    assert "Content has changed since signing" in html
    assert "the assessor must reopen the unit" in html
    assert "Reopen unit" in html


@pytest.mark.parametrize("name", ["sheet", "sheet-pdf"])
def test_sheet_views_are_scoped(world, completed, name):
    url = sheet_url(world.registration, completed, name)
    for user in (world.learner, world.assessor, world.iqa, world.admin):
        assert client_for(user).get(url).status_code == 200, user
    # Same centre, not this learner's assessor; another learner; another centre's staff; an EQA without a share.
    for user in (world.other_assessor, world.other_learner, world.other_admin, world.other_centre_assessor, world.eqa):
        assert client_for(user).get(url).status_code == 404, user
    response = client_for(world.learner).get(url.replace(str(completed.pk), str(first_other_unit(completed).pk)))
    assert response.status_code == 404  # a unit not on the plan
    anonymous = reverse("login")
    assert client_for(world.learner).get(url).status_code == 200
    from django.test import Client

    response = Client().get(url)
    assert response.status_code == 302 and response["Location"].startswith(anonymous)


def first_other_unit(unit):
    return Unit.objects.exclude(pk=unit.pk).exclude(memberships__qualification__number="600/5472/4").first()


def test_eqa_sees_only_the_shared_unit(world, completed):
    other_unit = world.registration.units.exclude(pk=completed.pk).first()
    share_with_eqa(world, world.registration, completed)
    eqa = client_for(world.eqa)
    assert eqa.get(sheet_url(world.registration, completed)).status_code == 200
    assert eqa.get(sheet_url(world.registration, other_unit)).status_code == 404
    assert eqa.get(sheet_url(world.registration, other_unit, "sheet-pdf")).status_code == 404
    page = eqa.get(reverse("tracking:registration", args=[world.registration.pk]))
    assert page.status_code == 200
    assert completed.reference in page.content.decode() and other_unit.reference not in page.content.decode()


@pytest.mark.parametrize("name", ["sign", "reopen"])
def test_post_views_are_scoped_and_post_only(world, completed, name):
    url = sheet_url(world.registration, completed, name)
    assert client_for(world.learner).get(url).status_code == 405
    for user in (world.other_assessor, world.other_admin, world.other_centre_assessor, world.eqa):
        assert client_for(user).post(url, {"role": "assessor", "reason": "x"}).status_code == 404, user
    from django.test import Client

    assert Client().post(url, {"role": "learner"}).status_code == 302
    assert not Signature.objects.exists()


def test_registration_page_lists_units_and_is_scoped(world, completed):
    url = reverse("tracking:registration", args=[world.registration.pk])
    response = client_for(world.learner).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ready for the learner&#x27;s signature" in html
    assert "Build the PDF" in html
    assert client_for(world.other_assessor).get(url).status_code == 404
    assert client_for(world.other_admin).get(url).status_code == 404


def _prepare(world, registration, unit, evidence_count):
    criteria = [c for c in unit.criteria.all() if c.pathway_id in (None, registration.pathway_id)]
    complete_unit(registration, unit)
    for _ in range(evidence_count):
        add_evidence(registration, criteria, methods=("Obs", "PE", "WT"))
    sign_unit(registration=registration, unit=unit, user=registration.learner, role="learner")
    sign_unit(registration=registration, unit=unit, user=registration.assessor, role="assessor")


SHEET_QUERIES = {"sheet": 11, "sheet-pdf": 9}  # the page has the header bell's unread count; the PDF the chain head


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["sheet", "sheet-pdf"])
def test_sheet_queries_do_not_grow_with_criteria_and_evidence(world, name, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # an empty PDF cache: every PDF is rendered
    small = make_registration(
        world.centre, assessor=world.assessor, iqa=world.iqa, qualification=DIPLOMA_SKILLS, pathway="face-to-face"
    )
    small_unit = Unit.objects.get(reference="Y/617/6436")  # 2 criteria
    _prepare(world, small, small_unit, 1)
    large = make_registration(
        world.centre,
        assessor=world.assessor,
        iqa=world.iqa,
        qualification=NVQ,
        optional_units=["R/601/1209", "A/601/1205", "M/601/1508", "A/601/1530"],
    )
    large_unit = Unit.objects.get(reference="F/601/1609")  # 21 criteria
    _prepare(world, large, large_unit, 15)
    client = client_for(world.assessor)
    _count_queries(client, sheet_url(small, small_unit, name))  # warm the session
    small_count = _count_queries(client, sheet_url(small, small_unit, name))
    large_count = _count_queries(client, sheet_url(large, large_unit, name))
    assert small_count == large_count, (small_count, large_count)
    # The session (with its user), roles, the registration (with whether the unit is on its plan and the assessor's
    # countersigning membership), the catalogue's version, the plan entry (with whether it is carried over), links
    # (with evidence and methods), decisions, signatures, the approved adjustments and the sheet notes (the PDF has
    # neither).
    assert small_count <= SHEET_QUERIES[name], (name, small_count)
    assert EvidenceLink.objects.filter(evidence__registration=large).count() > 300


def test_a_second_visit_to_a_sheet_builds_no_sql(world, completed, settings):
    settings.COMPILED_READS_VERIFY = False  # the check compiles each read afresh, by design
    client = client_for(world.assessor)
    client.get(sheet_url(world.registration, completed))
    with compiled_selects() as compiled:
        assert client.get(sheet_url(world.registration, completed)).status_code == 200
    assert compiled == []


def test_signature_names_dates_and_roles_show_on_the_sheet(world, completed):
    sign_unit(registration=world.registration, unit=completed, user=world.learner, role=SignatureRole.LEARNER)
    html = client_for(world.iqa).get(sheet_url(world.registration, completed)).content.decode()
    assert "Lena Learner</span>, Learner" in html
    assert "declaring the evidence is their own work" in html


def test_sheet_page_marks_simulated_evidence_and_says_why(world, unit):
    criteria = list(unit.criteria.order_by("order")[:2])
    add_evidence(world.registration, criteria[:1], methods=("RA",))
    simulated = add_evidence(world.registration, criteria[1:], methods=("Sim",))
    simulated.simulation_reason = "Role play: no complaints at the store this month"
    simulated.save(update_fields=["simulation_reason"])
    html = client_for(world.assessor).get(sheet_url(world.registration, unit)).content.decode()
    assert f'aria-label="Evidence {simulated.reference}, simulated"' in html
    assert 'aria-label="Evidence 1"' in html  # the real evidence is not marked
    assert "* Simulated evidence:" in html
    assert f"{simulated.reference}: Role play: no complaints at the store this month" in html


def test_sheet_without_simulated_evidence_has_no_simulation_note(world, completed):
    html = client_for(world.assessor).get(sheet_url(world.registration, completed)).content.decode()
    assert "Simulated evidence" not in html
