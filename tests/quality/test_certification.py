"""Certification: who is ready and why not, the CSV (formula-safe), recording claims, unit certification."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from centres.models import Event
from core.spreadsheets import safe_cell
from portfolio.models import Registration
from quality.models import CertificationClaim, Outcome, SampleKind
from quality.services.certification import (
    CertificationState,
    certification_status,
    record_certificate_date,
    record_claim,
)
from quality.services.errors import ClaimError, NotAllowed
from quality.services.plans import override_rate
from quality.services.readiness import (
    export_claims_csv,
    may_be_ready,
    readiness_counts,
)
from tests.factories import NVQ, make_registration

from .helpers import client_for, complete_and_sign, fake_signed_units, start_unit, status, take_sample


def _status(registration):
    return certification_status([registration])[registration.pk]


def _sign_and_sample_everything(plan, registration):
    for unit in registration.units.all():
        complete_and_sign(registration, unit)
        take_sample(plan, registration, unit, kind=SampleKind.SUMMATIVE)


def test_without_a_plan_the_required_sampling_cannot_be_confirmed(world):
    reasons = _status(world.registration).reasons
    assert any("No IQA sampling plan" in reason for reason in reasons)
    assert any(reason.startswith("Not signed off yet: J/600/1003, J/600/0658") for reason in reasons)


def test_unsigned_units_are_named(world, plan, unit1, unit2):
    complete_and_sign(world.registration, unit1)
    status = _status(world.registration)
    assert f"Not signed off yet: {unit2.reference}." in status.reasons
    assert status.signed_off == [unit1]


def test_rules_of_combination_are_checked(world):
    nvq = make_registration(world.centre, assessor=world.assessor, iqa=world.iqa, qualification=NVQ)
    reasons = _status(nvq).reasons
    assert any(reason.startswith("Rules of combination: Group A") for reason in reasons)


def test_full_rate_needs_every_unit_sampled_and_signed_by_the_iqa(world, plan, unit1, unit2):
    complete_and_sign(world.registration, unit1)
    complete_and_sign(world.registration, unit2)
    reasons = _status(world.registration).reasons
    assert any("sampled at 100%" in reason and unit1.reference in reason for reason in reasons)
    take_sample(plan, world.registration, unit1, kind=SampleKind.SUMMATIVE)
    take_sample(plan, world.registration, unit2, kind=SampleKind.SUMMATIVE)
    status = _status(world.registration)
    assert status.reasons == [] and status.state == CertificationState.READY


def test_lower_rate_needs_the_plans_summative_samples_done(world, plan, unit1, unit2):
    fake_signed_units(world.assessor, world.centre, plan.qualification, 10)
    complete_and_sign(world.registration, unit1)
    complete_and_sign(world.registration, unit2)
    reasons = _status(world.registration).reasons
    assert any("summative sampling of" in reason and "0 of 1" in reason for reason in reasons)
    take_sample(plan, world.registration, unit1, kind=SampleKind.SUMMATIVE)
    assert _status(world.registration).ready


def test_open_actions_hold_the_claim(world, plan):
    _sign_and_sample_everything(plan, world.registration)
    unit = world.registration.units.first()
    start_unit(world.other_registration, unit)
    # An action on the learner's own sample.
    override_rate(actor=world.iqa, plan=plan, assessor_id=world.assessor.pk, rate_percent=100, reason="x")
    assert _status(world.registration).ready
    from quality.models import Action, SampleRecord

    sample = SampleRecord.objects.filter(registration=world.registration).first()
    Action.objects.create(sample=sample, assessor=world.assessor, text="Fix", due_on=timezone.localdate())
    assert "1 IQA action on this learner's samples still open." in _status(world.registration).reasons


def test_disagreement_reopens_and_the_learner_is_not_ready(world, plan, unit1, unit2):
    complete_and_sign(world.registration, unit1)
    complete_and_sign(world.registration, unit2)
    take_sample(plan, world.registration, unit1, kind=SampleKind.SUMMATIVE, outcome=Outcome.DISAGREE)
    assert any(unit1.reference in reason for reason in _status(world.registration).reasons)


def test_withdrawn_learner_can_claim_signed_units_only(world, plan, unit1, unit2):
    complete_and_sign(world.registration, unit1)
    Registration.objects.filter(pk=world.registration.pk).update(status=Registration.Status.WITHDRAWN)
    status = _status(world.registration)
    assert status.state == CertificationState.LEFT_EARLY and status.signed_off == [unit1]
    with pytest.raises(ClaimError, match="Only units that are signed off"):
        record_claim(actor=world.admin, registration=world.registration, kind="unit", unit_ids=[unit1.pk, unit2.pk])
    with pytest.raises(ClaimError, match="not ready for a full claim"):
        record_claim(actor=world.admin, registration=world.registration, kind="full")
    claim = record_claim(actor=world.admin, registration=world.registration, kind="unit", unit_ids=[unit1.pk])
    assert list(claim.units.all()) == [unit1]
    assert _status(world.registration).state == CertificationState.CLAIMED


def test_full_claim_recorded_once_with_an_event_and_a_certificate_date(world, plan):
    _sign_and_sample_everything(plan, world.registration)
    with pytest.raises(NotAllowed):
        record_claim(actor=world.iqa, registration=world.registration, kind="full")
    claim = record_claim(actor=world.admin, registration=world.registration, kind="full", reference="HF-CL-1")
    assert claim.units.count() == 2
    assert Event.objects.filter(action="certification_claimed", object_id=claim.pk).exists()
    with pytest.raises(ClaimError, match="already recorded"):
        record_claim(actor=world.admin, registration=world.registration, kind="full")
    record_certificate_date(actor=world.admin, claim=claim, certificate_date=timezone.localdate())
    claim.refresh_from_db()
    assert claim.certificate_date == timezone.localdate()
    with pytest.raises(ClaimError, match="future"):
        record_certificate_date(
            actor=world.admin, claim=claim, certificate_date=timezone.localdate() + timezone.timedelta(days=1)
        )


def test_not_ready_learner_cannot_be_claimed(world, plan):
    with pytest.raises(ClaimError, match="not ready"):
        record_claim(actor=world.admin, registration=world.registration, kind="full")
    assert not CertificationClaim.objects.exists()


# --- CSV ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_cells_that_could_run_as_formulas_are_made_text(value):
    assert safe_cell(value) == "'" + value


def test_plain_cells_are_left_alone():
    assert safe_cell("Lena Learner") == "Lena Learner" and safe_cell(None) == ""


def test_claims_csv_lists_ready_learners_and_is_formula_safe(world, plan):
    world.learner.full_name = '=HYPERLINK("http://evil.example","Click")'
    world.learner.save()
    Registration.objects.filter(pk=world.registration.pk).update(uln="-2+3")
    _sign_and_sample_everything(plan, world.registration)
    statuses = list(certification_status(Registration.objects.filter(centre=world.centre)).values())
    rows = list(csv.reader(io.StringIO(export_claims_csv(statuses))))
    assert rows[0][0] == "Centre number"
    assert len(rows) == 2  # only the ready learner
    assert rows[1][2].startswith("'=HYPERLINK")
    assert rows[1][4] == "'-2+3"
    assert rows[1][9] == "Full qualification"
    assert rows[1][10] == "J/600/1003; J/600/0658"


# --- Views ------------------------------------------------------------------------------------------------------------


def test_certification_pages_access(world):
    for url in (
        reverse("quality:certification", args=[world.centre.pk]),
        reverse("quality:certification-csv", args=[world.centre.pk]),
    ):
        assert status(world.admin, url) == 200
        assert status(world.iqa, url) == 403
        assert status(world.assessor, url) == 403
        assert status(world.other_admin, url) == 404
        assert status(world.eqa, url) == 404
        assert status(world.learner, url) == 404
        assert status(None, url) == 302
    claim_url = reverse("quality:claim-create", args=[world.registration.pk])
    assert status(world.other_admin, claim_url, "post", {"kind": "full"}) == 404
    assert status(world.iqa, claim_url, "post", {"kind": "full"}) == 404


def test_certification_page_shows_ready_and_reasons_and_records_a_claim(world, plan):
    _sign_and_sample_everything(plan, world.registration)
    client = client_for(world.admin)
    page = client.get(reverse("quality:certification", args=[world.centre.pk])).content.decode()
    assert "Ready to claim (1)" in page
    assert "Not signed off yet" in page  # the other learners
    response = client.post(
        reverse("quality:claim-create", args=[world.registration.pk]),
        {"kind": "full", "reference": "AB-1"},
        follow=True,
    )
    assert "claim recorded" in response.content.decode()
    assert CertificationClaim.objects.get().reference == "AB-1"
    response = client.get(reverse("quality:certification-csv", args=[world.centre.pk]))
    assert response["Content-Type"].startswith("text/csv") and "attachment" in response["Content-Disposition"]


def test_certification_page_costs_the_same_queries_at_two_sizes(world, plan):
    client = client_for(world.admin)
    url = reverse("quality:certification", args=[world.centre.pk])

    def grow(size):
        for _ in range(size):
            registration = make_registration(world.centre, assessor=world.other_assessor, iqa=world.iqa)
            complete_and_sign(registration, registration.units.first())
            take_sample(plan, registration, registration.units.first(), kind=SampleKind.SUMMATIVE)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    grow(1)
    small = count()
    grow(4)
    assert count() == small


def test_learner_sees_their_claim_and_then_the_certificate_date_on_their_home_page(world, plan):
    home = reverse("home")
    learner = client_for(world.learner)
    assert "Your certificate" not in learner.get(home).content.decode()
    _sign_and_sample_everything(plan, world.registration)
    claim = record_claim(actor=world.admin, registration=world.registration, kind="full")
    page = learner.get(home).content.decode()
    assert "Your certificate" in page and "claimed your certificate from the awarding body" in page
    assert "The certificate date will show here" in page
    record_certificate_date(actor=world.admin, claim=claim, certificate_date=timezone.localdate())
    assert f"Certificate dated {timezone.localdate():%-d %b %Y}" in learner.get(home).content.decode()
    # Only the learner's own claims: another learner's home page says nothing of it.
    assert "Your certificate" not in client_for(world.other_learner).get(home).content.decode()


def test_a_learner_whose_registration_is_completed_still_sees_its_claim(world, plan):
    """The home page reads whether the learner has claims with their active registrations: with none active, it
    still asks."""
    _sign_and_sample_everything(plan, world.registration)
    record_claim(actor=world.admin, registration=world.registration, kind="full")
    Registration.objects.filter(pk=world.registration.pk).update(status=Registration.Status.COMPLETED)
    page = client_for(world.learner).get(reverse("home")).content.decode()
    assert "Your certificate" in page and "claimed your certificate from the awarding body" in page


def test_no_certificate_is_claimed_before_the_learners_identity_is_confirmed(world, plan):
    _sign_and_sample_everything(plan, world.registration)
    Registration.objects.filter(pk=world.registration.pk).update(
        id_document_type="", id_checked_by=None, id_checked_on=None
    )
    world.registration.refresh_from_db()
    status = _status(world.registration)
    assert not status.ready
    assert any(reason.startswith("Identity not confirmed") for reason in status.reasons)
    with pytest.raises(ClaimError, match="Identity not confirmed"):
        record_claim(actor=world.admin, registration=world.registration, kind="full")
    assert not CertificationClaim.objects.exists()

    Registration.objects.filter(pk=world.registration.pk).update(
        id_document_type="Passport", id_checked_by=world.admin, id_checked_on=timezone.localdate()
    )
    world.registration.refresh_from_db()
    assert _status(world.registration).ready
    record_claim(actor=world.admin, registration=world.registration, kind="full")
    assert CertificationClaim.objects.count() == 1


def test_unit_certification_also_waits_for_the_identity_check(world, plan, unit1):
    complete_and_sign(world.registration, unit1)
    Registration.objects.filter(pk=world.registration.pk).update(
        status=Registration.Status.WITHDRAWN, id_document_type="", id_checked_by=None, id_checked_on=None
    )
    with pytest.raises(ClaimError, match="Identity not confirmed"):
        record_claim(actor=world.admin, registration=world.registration, kind="unit", unit_ids=[unit1.pk])
    assert not CertificationClaim.objects.exists()


def test_the_ready_count_agrees_with_the_full_check_which_runs_only_where_every_unit_is_signed(world, plan):
    _sign_and_sample_everything(plan, world.registration)  # ready
    signed_not_sampled = make_registration(world.centre, assessor=world.other_assessor, iqa=world.iqa)
    for unit in signed_not_sampled.units.all():
        complete_and_sign(signed_not_sampled, unit)
    half_signed = make_registration(world.centre, assessor=world.other_assessor, iqa=world.iqa)
    complete_and_sign(half_signed, half_signed.units.first())
    withdrawn = make_registration(world.centre, assessor=world.other_assessor, iqa=world.iqa)
    Registration.objects.filter(pk=withdrawn.pk).update(status=Registration.Status.WITHDRAWN)
    registrations = Registration.objects.filter(centre=world.centre)

    statuses = certification_status(registrations).values()
    full_check = {
        state: sum(1 for s in statuses if s.state == state)
        for state in (CertificationState.READY, CertificationState.NOT_READY)
    }
    assert full_check[CertificationState.READY] == 1 and full_check[CertificationState.NOT_READY] >= 2
    assert readiness_counts(registrations) == full_check
    candidates = set(may_be_ready(registrations).values_list("pk", flat=True))
    assert {world.registration.pk, signed_not_sampled.pk} <= candidates
    assert half_signed.pk not in candidates and withdrawn.pk not in candidates

    record_claim(actor=world.admin, registration=world.registration, kind="full", reference="AB-1")
    assert readiness_counts(registrations)[CertificationState.READY] == 0
    assert world.registration.pk not in set(may_be_ready(registrations).values_list("pk", flat=True))


def test_learners_not_ready_are_shown_a_page_at_a_time_with_their_count(world, plan, monkeypatch):
    monkeypatch.setattr("quality.views.certification.PAGE_SIZE", 2)
    for _ in range(3):
        make_registration(world.centre, assessor=world.other_assessor, iqa=world.iqa)
    not_ready = Registration.objects.filter(centre=world.centre).count()
    client = client_for(world.admin)
    url = reverse("quality:certification", args=[world.centre.pk])
    first = client.get(url).content.decode()
    assert f"Not ready ({not_ready})" in first
    pages = -(-not_ready // 2)
    assert f"Page 1 of {pages}" in first and "?not_ready_page=2" in first
    last = client.get(url, {"not_ready_page": pages}).content.decode()
    assert f"Page {pages} of {pages}" in last and f"Not ready ({not_ready})" in last
    names = {r.learner.full_name for r in Registration.objects.filter(centre=world.centre)}

    def shown(page):
        return {name for name in names if name in page}

    assert len(shown(first)) == 2 and shown(first).isdisjoint(
        shown(client.get(url, {"not_ready_page": 2}).content.decode())
    )
