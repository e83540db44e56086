"""Recognition of prior learning: the assessor records a claim (prior certificates or experience, the criteria it
covers, the files seen), decides it (accepted criteria are met with method RPL on the sheet), and the learner's IQA
checks the decision. Every step is in the registration's history."""

import pytest
from django.urls import reverse
from django.utils import timezone

from centres.models import Event
from portfolio.models import CountersignStatus, CriterionDecision, Evidence, EvidenceLink, RplClaim
from portfolio.services import NotAllowed, PortfolioError
from portfolio.services.rpl import RplError, check_rpl, claim_rpl, decide_rpl
from qualifications.models import AssessmentCriterion
from tests.tracking.helpers import first_unit
from tracking.sheets import build_sheet

pytestmark = pytest.mark.django_db


def _criteria(registration, count=3):
    return list(first_unit(registration).criteria.order_by("order")[:count])


def _claim(world, registration=None, by=None, count=3):
    registration = registration or world.registration
    return claim_rpl(
        actor=by or world.assessor,
        registration=registration,
        title="Level 2 Certificate in Customer Service (2019)",
        date=timezone.localdate(),
        prior_learning="Certificate seen, number 55012, awarded June 2019.",
        criteria=[c.pk for c in _criteria(registration, count)],
    )


def test_the_assessor_records_a_claim_as_rpl_evidence_linked_to_the_criteria(client, world):
    criteria = _criteria(world.registration)
    client.force_login(world.assessor)
    url = reverse("portfolio:rpl-create", args=[world.registration.pk])
    response = client.post(
        url,
        {
            "title": "NVQ Level 2 Customer Service",
            "date": timezone.localdate().isoformat(),
            "prior_learning": "Certificate seen (2018).",
            "criteria": [c.pk for c in criteria],
        },
        follow=True,
    )
    assert "The RPL claim is recorded" in response.content.decode()
    claim = RplClaim.objects.get(registration=world.registration)
    evidence = claim.evidence
    assert list(evidence.methods.values_list("code", flat=True)) == ["RPL"]
    assert evidence.status == Evidence.Status.SUBMITTED
    assert set(evidence.links.values_list("criterion_id", flat=True)) == {c.pk for c in criteria}
    assert Event.objects.filter(action="rpl.claimed", registration_id=world.registration.pk).exists()
    page = client.get(reverse("portfolio:rpl-detail", args=[claim.pk])).content.decode()
    assert f'<span class="criterion-code">{criteria[0].code}</span>' in page and criteria[0].text in page
    client.force_login(world.learner)
    page = client.get(reverse("portfolio:rpl-list", args=[world.registration.pk])).content.decode()
    assert "NVQ Level 2 Customer Service" in page and "Waiting for the assessor" in page


def test_a_claim_without_prior_learning_or_criteria_is_refused_and_stores_nothing(client, world):
    client.force_login(world.assessor)
    url = reverse("portfolio:rpl-create", args=[world.registration.pk])
    data = {"title": "NVQ", "date": timezone.localdate().isoformat(), "prior_learning": "Certificate seen."}
    response = client.post(url, data)
    assert "Choose the criteria the prior learning covers." in response.content.decode()
    with pytest.raises(RplError, match="Describe the prior certificates"):
        claim_rpl(
            actor=world.assessor,
            registration=world.registration,
            title="NVQ",
            date=timezone.localdate(),
            prior_learning=" ",
            criteria=[c.pk for c in _criteria(world.registration)],
        )
    off_plan = AssessmentCriterion.objects.exclude(unit__in=world.registration.plan.values("unit")).first()
    with pytest.raises(PortfolioError, match="not on this learner's plan"):
        claim_rpl(
            actor=world.assessor,
            registration=world.registration,
            title="NVQ",
            date=timezone.localdate(),
            prior_learning="Seen.",
            criteria=[off_plan.pk],
        )
    assert not RplClaim.objects.exists() and not Evidence.objects.exists()


def test_only_the_learners_assessor_records_a_claim(client, world):
    for actor in (world.learner, world.iqa, world.other_assessor):
        with pytest.raises(NotAllowed):
            _claim(world, by=actor)
    client.force_login(world.iqa)
    assert client.get(reverse("portfolio:rpl-create", args=[world.registration.pk])).status_code == 403
    assert not RplClaim.objects.exists()


def test_the_decision_marks_accepted_criteria_met_with_method_rpl_and_rejects_the_others(client, world):
    claim = _claim(world)
    first, second, third = _criteria(world.registration)
    client.force_login(world.assessor)
    url = reverse("portfolio:rpl-decide", args=[claim.pk])
    response = client.post(url, {"accepted": [first.pk, second.pk], "note": ""})
    assert response.status_code == 200 and not CriterionDecision.objects.exists()
    response = client.post(
        url, {"accepted": [first.pk, second.pk], "note": "The certificate covers 1.1 and 1.2, not 1.3."}, follow=True
    )
    assert "accepted criteria are marked met" in response.content.decode()
    met = set(
        CriterionDecision.objects.filter(registration=world.registration, is_met=True).values_list(
            "criterion_id", flat=True
        )
    )
    assert met == {first.pk, second.pk}
    rejected = EvidenceLink.objects.get(evidence=claim.evidence, criterion=third)
    assert rejected.status == EvidenceLink.Status.REJECTED and rejected.feedback.startswith("The certificate covers")
    rows = {row.criterion.pk: row.status for row in build_sheet(world.registration, first.unit).rows}
    assert rows[first.pk].met and list(rows[first.pk].methods) == ["RPL"]
    assert not rows[third.pk].met
    event = Event.objects.get(action="rpl.decided")
    assert len(event.data["accepted"]) == 2 and len(event.data["rejected"]) == 1
    with pytest.raises(RplError, match="already decided"):
        decide_rpl(actor=world.assessor, claim=claim, accepted=[], note="Again")


def test_a_trainee_assessors_rpl_decision_waits_for_countersignature(world):
    claim = _claim(world, registration=world.trainee_registration, by=world.trainee, count=1)
    (criterion,) = _criteria(world.trainee_registration, 1)
    decide_rpl(actor=world.trainee, claim=claim, accepted=[criterion.pk], note="Certificate covers it.")
    decision = CriterionDecision.objects.get(registration=world.trainee_registration, criterion=criterion)
    assert decision.countersign_status == CountersignStatus.AWAITING


def test_only_the_assessor_decides(client, world):
    claim = _claim(world)
    for actor in (world.iqa, world.learner, world.admin):
        with pytest.raises(NotAllowed):
            decide_rpl(actor=actor, claim=claim, accepted=[], note="No")
    client.force_login(world.iqa)
    assert client.post(reverse("portfolio:rpl-decide", args=[claim.pk]), {"note": "No"}).status_code == 403
    claim.refresh_from_db()
    assert not claim.is_decided


def test_the_learners_iqa_checks_the_decision(client, world):
    claim = _claim(world)
    with pytest.raises(RplError, match="not decided"):
        check_rpl(actor=world.iqa, claim=claim, outcome=RplClaim.Check.AGREE, note="")
    decide_rpl(actor=world.assessor, claim=claim, accepted=[c.pk for c in _criteria(world.registration)], note="Seen.")
    for actor in (world.assessor, world.admin, world.learner):
        with pytest.raises(NotAllowed):
            check_rpl(actor=actor, claim=claim, outcome=RplClaim.Check.AGREE, note="")
    client.force_login(world.iqa)
    url = reverse("portfolio:rpl-check", args=[claim.pk])
    response = client.post(url, {"outcome": RplClaim.Check.DISAGREE, "note": ""})
    assert "Say why you disagree" in response.content.decode()
    claim.refresh_from_db()
    assert not claim.iqa_check
    response = client.post(
        url, {"outcome": RplClaim.Check.AGREE, "note": "Certificate verified with Highfield."}, follow=True
    )
    content = response.content.decode()
    assert "Your check of the RPL decision is recorded." in content and "Agrees with the decision" in content
    claim.refresh_from_db()
    assert claim.iqa_checked_by == world.iqa
    assert Event.objects.get(action="rpl.checked").data["outcome"] == "agree"
    client.force_login(world.admin)
    assert client.post(url, {"outcome": RplClaim.Check.AGREE}).status_code == 403


def test_the_claim_form_lists_criteria_in_the_wording_of_the_learners_pathway(client, world):
    from qualifications.models import AssessmentCriterion
    from tests.factories import DIPLOMA_SKILLS, make_registration

    registration = make_registration(
        world.centre, assessor=world.assessor, iqa=world.iqa, qualification=DIPLOMA_SKILLS, pathway="face-to-face"
    )
    client.force_login(world.assessor)
    page = client.get(reverse("portfolio:rpl-create", args=[registration.pk])).content.decode()
    b17 = AssessmentCriterion.objects.get(unit__reference="R/617/6452", code="B17.1")
    wording = b17.wordings.get(pathway=registration.pathway).text
    other = b17.wordings.exclude(pathway=registration.pathway).first().text
    assert wording in page and other not in page
