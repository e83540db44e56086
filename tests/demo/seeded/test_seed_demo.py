"""The demo, seeded as a new user would (`manage.py seed_demo`): it shows the whole product and every rule holds.
Seeded once for the folder (tests/demo/seeded/conftest.py)."""

import pytest
from django.urls import reverse

from centres.models import CompetenceStatus, EqaLink, Membership, PersonalInterest, Role, User
from portfolio.models import CountersignStatus, CriterionDecision, Evidence, EvidenceLink, Registration
from portfolio.services.judgement import decisions_awaiting_countersignature, links_awaiting_countersignature
from quality.models import CertificationClaim, SampleKind, SampleRecord, SamplingPlan
from quality.services.certification import CertificationState, certification_status
from quality.services.coverage import coverage
from tests.demo.helpers import PASSWORD, client_for
from tracking.models import Signature, SignatureRole
from tracking.selectors import signoff_state
from tracking.sheets import build_sheets

pytestmark = pytest.mark.django_db

NORTHGATE_LEARNERS = [f"learner{n}@northgate.example" for n in range(1, 8)]
READY = "learner4@northgate.example"
GATEWAY_READY = "learner7@northgate.example"  # every unit signed off, not yet sampled
# Staff and learners of both demo centres, and the EQA linked to both.
DEMO_CAST = [
    "admin@northgate.example",
    "assessor@northgate.example",
    "trainee@northgate.example",
    "iqa@northgate.example",
    "admin@southbank.example",
    "assessor@southbank.example",
    "eqa@awarding.example",
    *NORTHGATE_LEARNERS,
    "learner1@southbank.example",
]


def registration_of(email: str) -> Registration:
    return Registration.objects.select_related("learner", "assessor", "centre").get(learner__email=email)


def live_roles(email: str) -> dict[str, set[str]]:
    """Each signed unit of the learner's plan with the roles of its live signatures."""
    roles: dict[str, set[str]] = {}
    for reference, role in (
        Signature.objects.live()
        .filter(sign_off__registration__learner__email=email)
        .values_list("sign_off__unit__reference", "role")
    ):
        roles.setdefault(reference, set()).add(role)
    return roles


def test_certification_shows_grace_ready_and_every_other_learner_not_ready_with_the_reason():
    statuses = {
        status.registration.learner.email: status
        for status in certification_status(Registration.objects.all()).values()
    }
    assert set(statuses) == {*NORTHGATE_LEARNERS, "learner1@southbank.example"}
    assert statuses[READY].state == CertificationState.READY and statuses[READY].reasons == []
    assert [unit.reference for unit in statuses[READY].signed_off] == ["J/600/1003", "J/600/0658"]

    for email, status in statuses.items():
        if email != READY:
            assert status.state == CertificationState.NOT_READY, email
        if email not in (READY, GATEWAY_READY):
            assert any(reason.startswith("Not signed off yet: ") for reason in status.reasons), email

    liam = statuses["learner1@northgate.example"].reasons
    assert any("every unit needs a summative IQA sample and signature: not yet for L/601/1614" in r for r in liam)
    assert "1 IQA action on this learner's samples still open." in liam
    assert "Awaiting the countersignatory: J/617/6433." in statuses["learner2@northgate.example"].reasons
    for email in ["learner5@northgate.example", "learner6@northgate.example"]:
        assert any("needs a summative IQA sample once it is signed off" in r for r in statuses[email].reasons)
    # Rhys is ready for his end-point assessment gateway, not for certification: none of his units is sampled yet.
    # His 18 units signed off make Marcus Reid experienced on 603/4687/5, so its plan samples him at a lower rate.
    sampling = "The plan's summative sampling of Marcus Reid is not done: 0 of"
    rhys = statuses[GATEWAY_READY].reasons
    assert not any(reason.startswith("Not signed off yet: ") for reason in rhys)
    assert any(reason.startswith(sampling) for reason in rhys)
    assert any(reason.startswith(sampling) for reason in statuses["learner3@northgate.example"].reasons)
    assert any(r.startswith("No IQA sampling plan by") for r in statuses["learner1@southbank.example"].reasons)

    # The centre admin sees it so on the certification page, and can record Grace's claim.
    admin = client_for("admin@northgate.example")
    northgate = registration_of(READY).centre
    page = admin.get(reverse("quality:certification", args=[northgate.pk])).text
    ready, not_ready = page.split('id="not-ready-title"')[0], page.split('id="not-ready-title"')[1]
    assert "Grace Patel" in ready and "Ready to claim (1)" in ready
    for name in ["Liam Walsh", "Sophie Turner", "Jacob Evans", "Ethan Brooks", "Maya Clarke", "Rhys Morgan"]:
        assert name in not_ready and name not in ready, name
    response = admin.post(reverse("quality:claim-create", args=[registration_of(READY).pk]), {"kind": "full"})
    assert response.status_code == 302
    assert CertificationClaim.objects.get().registration == registration_of(READY)


def test_demo_sign_offs_follow_the_rules_and_wait_for_the_right_people():
    # Grace: every criterion met on accepted, countersigned evidence; both units signed by all, IQA included.
    grace = registration_of(READY)
    assert all(sheet.status.complete for sheet in build_sheets(grace))
    assert not EvidenceLink.objects.filter(evidence__registration=grace).exclude(
        status=EvidenceLink.Status.ACCEPTED, countersign_status=CountersignStatus.CONFIRMED
    )
    assert not CriterionDecision.objects.filter(registration=grace).exclude(
        is_met=True, countersign_status=CountersignStatus.CONFIRMED
    )
    everyone = {SignatureRole.LEARNER, SignatureRole.ASSESSOR, SignatureRole.COUNTERSIGNER, SignatureRole.IQA}
    assert live_roles(READY) == {"J/600/1003": everyone, "J/600/0658": everyone}
    summative = SampleRecord.objects.get(kind=SampleKind.SUMMATIVE)
    assert summative.registration == grace and summative.iqa.email == "iqa@northgate.example"

    # Liam: one unit signed by the learner and the assessor only; the EQA it is shared with can sign it as EQS.
    assert live_roles("learner1@northgate.example") == {"L/601/1614": {SignatureRole.LEARNER, SignatureRole.ASSESSOR}}
    liam = registration_of("learner1@northgate.example")
    unit = liam.units.get(reference="L/601/1614")
    eqa = client_for("eqa@awarding.example")
    sheet_url = reverse("tracking:sheet", args=[liam.pk, unit.pk])
    assert "Sign as EQS" in eqa.get(sheet_url).text
    state = signoff_state(liam, unit)
    response = eqa.post(
        reverse("tracking:sign", args=[liam.pk, unit.pk]), {"role": "eqa", "content_hash": state.content_hash}
    )
    assert response["Location"] == sheet_url
    assert Signature.objects.live().get(sign_off__registration=liam, role=SignatureRole.EQA).user.email == (
        "eqa@awarding.example"
    )

    # Sophie: one unit signed by her and the trainee, awaiting the trainee's countersignatory, and two of the
    # trainee's later decisions in the countersignatory's queue.
    assert live_roles("learner2@northgate.example") == {"J/617/6433": {SignatureRole.LEARNER, SignatureRole.ASSESSOR}}
    sophie = registration_of("learner2@northgate.example")
    countersignatory = User.objects.get(email="assessor@northgate.example")
    page = client_for(countersignatory.email).get(
        reverse("tracking:sheet", args=[sophie.pk, sophie.units.get(reference="J/617/6433").pk])
    )
    assert "Awaiting countersignature" in page.text and "Sign as countersignatory" in page.text
    assert links_awaiting_countersignature(countersignatory).count() == 2
    assert decisions_awaiting_countersignature(countersignatory).count() == 2


def test_every_demo_login_opens_its_home_page_and_the_iqa_plan_counts_evidence_locations():
    for email in DEMO_CAST:
        response = client_for(email).get(reverse("home"))
        assert response.status_code == 200, email

    # Every demo evidence records where it was assessed; the plan counts the places of the evidence sampled.
    # (Prior learning accepted through RPL was not assessed anywhere: its evidence records no place.)
    assert not Evidence.objects.filter(location="").exclude(methods__code="RPL").exists()
    grace = registration_of(READY)
    plan = SamplingPlan.objects.get(qualification=grace.qualification, iqa=grace.iqa)
    cover = coverage(plan)
    row = next(row for row in cover.assessor_locations if row.assessor.pk == grace.assessor_id)
    counted = dict(zip(cover.locations, row.counts, strict=True))
    assert counted["Workplace: Brightwell Retail"] == 1  # recorded on the sample and on the evidence
    assert counted["Remote (video call)"] == 1 and counted["Training centre, Northgate"] == 1  # on the evidence
    page = client_for("iqa@northgate.example").get(reverse("quality:plan-detail", args=[plan.pk])).text
    assert "Remote (video call)" in page


def test_the_demo_shows_staff_competence_a_working_towards_iqa_with_cpd_and_a_cpd_warning():
    from centres.models import CpdEntry
    from portfolio.models import OccupationalCompetence

    trainee_iqa = Membership.objects.get(user__email="iqa-trainee@northgate.example", role=Role.IQA)
    assert trainee_iqa.status == CompetenceStatus.WORKING_TOWARDS and trainee_iqa.registered_on is not None
    assert trainee_iqa.countersignatory.email == "iqa@northgate.example"
    assert CpdEntry.objects.filter(user=trainee_iqa.user).count() == 2
    assert OccupationalCompetence.objects.filter(user=trainee_iqa.user, verified_by__isnull=False).exists()
    # Every demo assessor and IQA holds (or works towards) an award the specifications name.
    assert not Membership.objects.filter(role__in=[Role.ASSESSOR, Role.IQA], award="").exists()

    northgate = trainee_iqa.centre
    page = client_for("admin@northgate.example").get(reverse("centres:staff-list", args=[northgate.pk])).text
    assert "Priya Shah" in page and "Level 4 Award in the Internal Quality Assurance" in page
    southbank = Membership.objects.get(user__email="assessor@southbank.example").centre
    page = client_for("admin@southbank.example").get(reverse("centres:staff-list", args=[southbank.pk])).text
    tom = next(row for row in page.split("<tr>") if "assessor@southbank.example" in row)
    assert "CPD not current" in tom
    page = client_for("iqa-trainee@northgate.example").get(reverse("centres:my-cpd", args=[northgate.pk])).text
    assert "Shadowed David Owens on an interim sample" in page


def test_the_demo_shows_a_carried_over_unit_and_a_checked_rpl_claim():
    from portfolio.models import RplClaim
    from tracking.models import CarriedOverUnit

    # Ethan's Award unit F/617/5412 is signed off there and carried into his Diploma, whose sheet shows it so.
    carry = CarriedOverUnit.objects.select_related("registration", "unit").get()
    assert carry.registration.qualification.number == "603/4354/0" and carry.unit.reference == "F/617/5412"
    assert carry.source_sign_off.registration.qualification.number == "603/4351/5" and carry.counts
    assert carry.registration.learner.email == "learner5@northgate.example"
    sheet = client_for("assessor@northgate.example").get(
        reverse("tracking:sheet", args=[carry.registration_id, carry.unit_id])
    )
    assert "Carried over from 603/4351/5" in sheet.text and "Ethan Brooks" in sheet.text
    # Jacob's RPL claim: decided by his assessor (one criterion accepted, one rejected) and checked by the IQA.
    claim = RplClaim.objects.select_related("registration__learner").get()
    assert claim.registration.learner.email == "learner3@northgate.example"
    assert claim.is_decided and claim.iqa_check == "agree"
    page = client_for("learner3@northgate.example").get(reverse("portfolio:rpl-detail", args=[claim.pk]))
    assert page.status_code == 200 and "Level 1 Award in Customer Service" in page.text


def test_demo_has_one_learner_waiting_for_an_identity_check_on_the_admin_and_assessor_home_pages():
    waiting = list(Registration.objects.awaiting_identity_check().select_related("learner"))
    assert [registration.learner.email for registration in waiting] == ["learner6@northgate.example"]
    maya = waiting[0]
    assert not CriterionDecision.objects.filter(registration=maya).exists()
    identity_url = reverse("portfolio:registration-identity", args=[maya.pk])
    for email in ["admin@northgate.example", "assessor@northgate.example"]:
        page = client_for(email).get(reverse("home")).text
        panel = page.split("Waiting for an identity check")[1].split("</section>")[0]
        assert "Maya Clarke" in panel and identity_url in panel, email
    status = certification_status([maya])[maya.pk]
    assert any(reason.startswith("Identity not confirmed") for reason in status.reasons)


def test_demo_has_an_approved_adjustment_with_its_letter_shown_to_the_assessor_and_in_the_register():
    jacob = registration_of("learner3@northgate.example")
    (adjustment,) = jacob.adjustments.all()
    assert adjustment.status == "approved" and adjustment.files.count() == 1
    sheet_unit = jacob.units.order_by("reference").first()
    assessor = client_for("assessor@northgate.example")
    sheet = assessor.get(reverse("tracking:sheet", args=[jacob.pk, sheet_unit.pk])).text
    assert "25% extra time on written questions; a reader" in sheet
    register = (
        client_for("admin@northgate.example").get(reverse("portfolio:adjustment-register", args=[jacob.centre_id])).text
    )
    assert "Jacob Evans" in register and "Approved" in register


def test_demo_has_a_declared_interest_on_the_centres_list_and_it_is_declared_once():
    (interest,) = PersonalInterest.objects.filter(learner__email="learner5@northgate.example")
    assert interest.staff.email == "trainee@northgate.example"
    page = client_for("admin@northgate.example").get(reverse("centres:interest-list", args=[interest.centre_id])).text
    assert "Aisha Khan" in page and "Ethan Brooks" in page


def test_the_demo_cast_signs_in_with_the_demo_password_in_their_roles_and_centres():
    for email in DEMO_CAST:
        assert User.objects.get(email=email).check_password(PASSWORD), email

    trainee = Membership.objects.get(user__email="trainee@northgate.example", role=Role.ASSESSOR)
    assert trainee.status == CompetenceStatus.WORKING_TOWARDS
    assert trainee.countersignatory.email == "assessor@northgate.example"
    assert Membership.objects.get(user__email="iqa@northgate.example").role == Role.IQA
    assert set(EqaLink.objects.filter(user__email="eqa@awarding.example").values_list("centre__name", flat=True)) == {
        "Northgate Training",
        "Southbank College",
    }

    northgate = Registration.objects.filter(centre__name="Northgate Training")
    assert northgate.values("learner").distinct().count() == 7
    nvq = northgate.get(qualification__number="600/5469/4")
    assert nvq.learner.email == "learner1@northgate.example"
    assert nvq.assessor.email == "assessor@northgate.example"
    assert nvq.plan.filter(chosen=True).count() >= 4
    pathways = set(northgate.filter(qualification__number="603/4687/5").values_list("pathway__code", flat=True))
    assert pathways == {"face-to-face", "non-facing"}
    assert northgate.filter(assessor__email="trainee@northgate.example").exists()
    numbers = set(northgate.values_list("qualification__number", flat=True))
    assert {"600/5472/4", "603/5681/9", "603/4351/5"} <= numbers
    southbank = Registration.objects.get(learner__email="learner1@southbank.example")
    assert southbank.centre.name == "Southbank College"


def test_the_certification_page_lists_every_northgate_learner_with_a_state_and_its_reasons():
    admin = User.objects.get(email="admin@northgate.example")
    northgate = admin.memberships.get().centre
    registrations = Registration.objects.filter(centre=northgate)
    statuses = certification_status(registrations)
    assert set(statuses) == set(registrations.values_list("pk", flat=True))
    for status in statuses.values():
        if status.state == CertificationState.NOT_READY:
            assert status.reasons
            signed = {unit.pk for unit in status.signed_off}
            if len(signed) < len(status.units):
                assert any(reason.startswith("Not signed off yet") for reason in status.reasons)
        if status.state == CertificationState.READY:
            assert not status.reasons
    page = client_for(admin.email).get(reverse("quality:certification", args=[northgate.pk])).text
    for registration in registrations.select_related("learner"):
        assert registration.learner.full_name in page
