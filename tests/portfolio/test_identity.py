"""The learner's identity check: recorded by the centre admin or the learner's assessor with a proof the specification
accepts; until it is recorded, no criterion is marked met (the unit sign-off and the claim are in tracking and quality
tests); the home pages list who is waiting."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from centres.models import Event
from portfolio.models import CriterionDecision, Registration
from portfolio.services import AlreadyDone, IdentityNotConfirmed, NotAllowed
from portfolio.services.judgement import LinkJudgement, judge_evidence, judge_link, mark_criterion_met
from portfolio.services.registration import RegistrationError, record_identity_check
from qualifications.spec_rules import HIGHFIELD_PROOFS, HIGHFIELD_THIRD_PARTY, NCFE_PROOFS, THIRD_PARTY
from tests.factories import make_registration, make_user
from tests.portfolio.helpers import UNIT_A, criteria_of, link_for, login, make_evidence, today
from tests.qualifications.seed_paths import SEEDS_DIR

pytestmark = pytest.mark.django_db


def _unconfirmed(registration) -> Registration:
    Registration.objects.filter(pk=registration.pk).update(id_document_type="", id_checked_by=None, id_checked_on=None)
    registration.refresh_from_db()
    return registration


def _record(world, actor=None, **overrides):
    arguments = {
        "document_type": "Passport",
        "checked_by": world.assessor,
        "checked_on": today(1),
        "details": "",
        **overrides,
    }
    return record_identity_check(actor=actor or world.admin, registration=world.registration, **arguments)


# --- What the specifications accept -------------------------------------------------------------------------------


def test_highfield_accepts_the_listed_documents_and_a_third_party_representative():
    labels = [proof.label for proof in HIGHFIELD_PROOFS]
    assert labels[:3] == [
        "A valid passport (any nationality)",
        "A signed UK photocard driving licence",
        "A valid warrant card issued by HM forces or the police",
    ]
    assert THIRD_PARTY in HIGHFIELD_PROOFS
    assert THIRD_PARTY not in NCFE_PROOFS


# --- Recording it -------------------------------------------------------------------------------------------------


def test_admin_records_the_identity_check_with_an_event(world):
    _unconfirmed(world.registration)
    _record(world, document_type="Warrant card", checked_by=world.admin)
    world.registration.refresh_from_db()
    assert world.registration.identity_confirmed
    assert world.registration.id_document_type == "Warrant card"
    event = Event.objects.get(action="registration.identity_checked", registration_id=world.registration.pk)
    assert event.actor == world.admin
    assert event.data["document"] == "Warrant card" and event.data["previous"] is None


def test_the_learners_assessor_may_record_it(world):
    _unconfirmed(world.registration)
    _record(world, actor=world.assessor)
    world.registration.refresh_from_db()
    assert world.registration.id_checked_by == world.assessor


@pytest.mark.parametrize("who", ["iqa", "learner", "other_assessor", "trainee", "other_admin"])
def test_nobody_else_records_it(world, who):
    _unconfirmed(world.registration)
    with pytest.raises(NotAllowed):
        _record(world, actor=getattr(world, who))
    world.registration.refresh_from_db()
    assert not world.registration.identity_confirmed
    assert not Event.objects.filter(action="registration.identity_checked").exists()


def test_a_third_party_representative_needs_their_name_and_role(world):
    _unconfirmed(world.registration)
    with pytest.raises(RegistrationError) as refused:
        _record(world, document_type=THIRD_PARTY.value)
    assert "representative's name and role" in refused.value.errors["id_details"][0]
    world.registration.refresh_from_db()
    assert not world.registration.identity_confirmed

    _record(world, document_type=THIRD_PARTY.value, details="Sam Patel, line manager")
    world.registration.refresh_from_db()
    assert world.registration.id_details == "Sam Patel, line manager"


def test_ncfe_registration_cannot_record_a_third_party_representative(world):
    ncfe = make_registration(
        world.centre, assessor=world.assessor, iqa=world.iqa, qualification="603/5681/9", identity_confirmed=False
    )
    with pytest.raises(RegistrationError, match="not a proof of identity the specification of 603/5681/9 accepts"):
        record_identity_check(
            actor=world.admin,
            registration=ncfe,
            document_type=THIRD_PARTY.value,
            details="Sam Patel, line manager",
            checked_by=world.admin,
            checked_on=today(),
        )
    record_identity_check(
        actor=world.admin, registration=ncfe, document_type="Passport", checked_by=world.admin, checked_on=today()
    )
    ncfe.refresh_from_db()
    assert ncfe.identity_confirmed


def test_a_document_no_specification_lists_is_refused(world):
    _unconfirmed(world.registration)
    with pytest.raises(RegistrationError, match="not a proof of identity"):
        _record(world, document_type="Birth certificate")


def test_a_correction_keeps_the_earlier_record_in_the_history(world):
    _record(world, document_type="Photocard driving licence", checked_by=world.admin)
    event = Event.objects.filter(action="registration.identity_checked").latest("id")
    assert event.data["previous"]["document"] == "Passport"
    assert event.data["document"] == "Photocard driving licence"
    with pytest.raises(AlreadyDone):
        _record(world, document_type="Photocard driving licence", checked_by=world.admin)
    assert Event.objects.filter(action="registration.identity_checked").count() == 1


def test_a_future_date_or_someone_outside_the_centre_is_refused(world):
    _unconfirmed(world.registration)
    with pytest.raises(RegistrationError, match="future"):
        _record(world, checked_on=today() + dt.timedelta(days=1))
    with pytest.raises(RegistrationError, match="member of staff at"):
        _record(world, checked_by=world.other_admin)
    world.registration.refresh_from_db()
    assert not world.registration.identity_confirmed


# --- Nothing marked met until it is recorded ----------------------------------------------------------------------


def test_no_criterion_is_marked_met_until_identity_is_confirmed(world):
    c1 = criteria_of(UNIT_A, 1)[0]
    _unconfirmed(world.registration)
    evidence = make_evidence(world.registration, criteria=[c1])
    # Judging the evidence is allowed: it is marking the criterion met that waits for the identity check.
    judge_link(actor=world.assessor, link=link_for(evidence, c1), accepted=True)
    with pytest.raises(IdentityNotConfirmed, match="identity has not been confirmed"):
        mark_criterion_met(actor=world.assessor, registration=world.registration, criterion=c1)
    assert not CriterionDecision.objects.exists()

    _record(world)
    mark_criterion_met(actor=world.assessor, registration=world.registration, criterion=c1)
    assert CriterionDecision.objects.get().is_met


def test_judging_with_mark_met_before_the_identity_check_saves_nothing(world):
    c1 = criteria_of(UNIT_A, 1)[0]
    _unconfirmed(world.registration)
    evidence = make_evidence(world.registration, criteria=[c1])
    link = link_for(evidence, c1)
    with pytest.raises(IdentityNotConfirmed):
        judge_evidence(
            actor=world.assessor, evidence=evidence, judgements=[LinkJudgement(link.pk, True, mark_met=True)]
        )
    assert link_for(evidence, c1).status == "pending"


# --- Pages ----------------------------------------------------------------------------------------------------------


def test_assessor_records_it_on_the_page(client, world):
    _unconfirmed(world.registration)
    login(client, world.assessor)
    url = reverse("portfolio:registration-identity", args=[world.registration.pk])
    page = client.get(url)
    assert "third-party representative, such as a line manager" in page.content.decode()
    response = client.post(
        url,
        {
            "id_document_type": THIRD_PARTY.value,
            "id_details": "",
            "id_checked_by": world.assessor.pk,
            "id_checked_on": today(1).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "name and role (for example: line manager)" in response.content.decode()
    world.registration.refresh_from_db()
    assert not world.registration.identity_confirmed

    response = client.post(
        url,
        {
            "id_document_type": THIRD_PARTY.value,
            "id_details": "Sam Patel, HR manager",
            "id_checked_by": world.assessor.pk,
            "id_checked_on": today(1).isoformat(),
        },
    )
    assert response.status_code == 302
    world.registration.refresh_from_db()
    assert world.registration.identity_confirmed and world.registration.id_details == "Sam Patel, HR manager"


def test_iqa_cannot_record_it_on_the_page(client, world):
    _unconfirmed(world.registration)
    login(client, world.iqa)
    url = reverse("portfolio:registration-identity", args=[world.registration.pk])
    response = client.post(
        url, {"id_document_type": "Passport", "id_checked_by": world.iqa.pk, "id_checked_on": today().isoformat()}
    )
    assert response.status_code == 403
    world.registration.refresh_from_db()
    assert not world.registration.identity_confirmed


def _waiting(world, count: int):
    return [
        make_registration(world.centre, assessor=world.assessor, iqa=world.iqa, identity_confirmed=False)
        for _ in range(count)
    ]


@pytest.mark.parametrize("who", ["admin", "assessor"])
def test_home_page_lists_who_is_waiting_for_an_identity_check(client, world, who):
    waiting = _waiting(world, 2)
    # Another assessor's learner: on the admin's list, not on this assessor's.
    make_registration(
        world.centre,
        make_user(full_name="Noor Other"),
        assessor=world.other_assessor,
        iqa=world.iqa,
        identity_confirmed=False,
    )
    login(client, getattr(world, who))
    content = client.get(reverse("home")).content.decode()
    assert "Waiting for an identity check" in content
    for registration in waiting:
        assert str(registration.learner) in content
        assert reverse("portfolio:registration-identity", args=[registration.pk]) in content
    assert ("Noor Other" in content) == (who == "admin")
    assert str(world.learner) not in content.split("Waiting for an identity check")[1].split("</section>")[0]


def test_no_identity_panel_when_nobody_is_waiting(client, world):
    login(client, world.assessor)
    assert "Waiting for an identity check" not in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("who", ["admin", "assessor"])
def test_identity_panel_queries_do_not_grow_with_learners(client, world, who):
    login(client, getattr(world, who))
    _waiting(world, 1)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("home"))
    _waiting(world, 6)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("home"))
    assert response.content.decode().count("/identity/") >= 7
    assert len(many) == len(few)


def test_the_proofs_are_quoted_from_each_highfield_specification():
    for seed in (
        "000_7f032696c9bb28c2.txt",
        "001_c499cb1939f4297c.txt",
        "002_4b63cbc18306cbc8.txt",
        "004_e2cf327b755f4700.txt",
    ):
        text = " ".join((SEEDS_DIR / seed).read_text(encoding="utf-8").replace("’", "'").split())
        assert " ".join(HIGHFIELD_THIRD_PARTY.split()) in text, seed
        for phrase in (
            "a valid passport (any nationality)",
            "a signed UK photocard driving licence",
            "a valid warrant card issued by HM forces or the police",
        ):
            assert phrase in text, (seed, phrase)
    ncfe = (SEEDS_DIR / "003_4287fa3148b5d381.txt").read_text(encoding="utf-8")
    assert "third-party representative" not in ncfe and "passport" not in ncfe.lower()


@pytest.mark.parametrize(("number", "offered"), [("600/5472/4", True), ("603/5681/9", False)])
def test_registration_form_offers_a_third_party_representative_only_where_the_specification_does(
    client, world, number, offered
):
    from qualifications.models import Qualification

    qualification = Qualification.objects.get(number=number)
    login(client, world.admin)
    html = client.get(
        reverse("portfolio:registration-create", args=[world.centre.pk]), {"qualification": qualification.pk}
    ).content.decode()
    assert "A valid passport (any nationality)" in html
    assert (f'value="{THIRD_PARTY.value}"' in html) == offered
