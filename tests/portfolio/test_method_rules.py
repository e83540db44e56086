"""Assessment methods: nothing ticked in advance; the learner records only their own kinds of evidence (observation,
questioning and professional discussion are the assessor's records, witness testimony the witness's); simulation needs
a reason and is refused on a unit its specification says must be assessed in real work."""

import pytest
from django.urls import reverse

from centres.models import Event
from portfolio.models import Evidence, EvidenceLink
from portfolio.services import NotAllowed, PortfolioError
from portfolio.services.evidence import create_evidence, link_criteria, new_version, submit_evidence
from portfolio.services.judgement import judge_link
from qualifications.models import AssessmentMethod, Unit
from qualifications.spec_rules import WORKPLACE_RULES
from tests.factories import NVQ, make_registration
from tests.portfolio.helpers import UNIT_A, criteria_of, link_for, login, make_evidence, today
from tests.qualifications.seed_paths import SEEDS_DIR

pytestmark = pytest.mark.django_db

ON_CUSTOMERS_PREMISES = (
    "Y/601/1213"  # 600/5469/4 Group B: "the learner's customer must be somebody who feels real ownership"
)


def _create(registration, actor, methods, **extra):
    return create_evidence(
        actor=actor,
        registration=registration,
        title="Call with a customer",
        date=today(2),
        methods=list(methods),
        description="What happened.",
        **extra,
    )


def _method_checkboxes(html: str) -> dict[str, bool]:
    """Each method code offered on the form, and whether it is ticked."""
    result = {}
    for method in AssessmentMethod.objects.all():
        marker = f'value="{method.pk}"'
        if marker in html:
            tag = html.split(marker, 1)[0].rsplit("<input", 1)[1] + html.split(marker, 1)[1].split(">", 1)[0]
            result[method.code] = "checked" in tag
    return result


# --- Nothing ticked in advance; the learner's form offers their own methods only ---------------------------------


def test_new_evidence_starts_with_no_method_ticked(client, world):
    for user in (world.learner, world.assessor):
        login(client, user)
        html = client.get(reverse("portfolio:evidence-create", args=[world.registration.pk])).content.decode()
        offered = _method_checkboxes(html)
        assert offered and not any(offered.values()), (user, offered)


def test_learners_form_hides_assessor_and_witness_methods(client, world):
    login(client, world.learner)
    html = client.get(reverse("portfolio:evidence-create", args=[world.registration.pk])).content.decode()
    offered = set(_method_checkboxes(html))
    assert {"RA", "PE", "Sim"} <= offered
    assert not offered & {"Obs", "Q", "PD", "WT"}
    assert "recorded by your assessor" in html

    login(client, world.assessor)
    html = client.get(reverse("portfolio:evidence-create", args=[world.registration.pk])).content.decode()
    assert {"Obs", "Q", "PD"} <= set(_method_checkboxes(html))


# --- The service refuses what the form hides -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "who"), [("Obs", "assessor"), ("Q", "assessor"), ("PD", "assessor"), ("WT", "witness")]
)
def test_learner_cannot_record_assessor_or_witness_methods(world, code, who):
    with pytest.raises(NotAllowed, match=f"recorded by the {who}"):
        _create(world.registration, world.learner, [code, "RA"])
    assert not Evidence.objects.exists()


def test_learner_records_their_own_methods_and_the_assessor_records_observation(world):
    own = _create(world.registration, world.learner, ["RA", "PE"])
    assert sorted(own.methods.values_list("code", flat=True)) == ["PE", "RA"]
    observation = _create(world.registration, world.assessor, ["Obs", "Q"])
    assert sorted(observation.methods.values_list("code", flat=True)) == ["Obs", "Q"]


def test_learner_posting_an_observation_stores_nothing(client, world):
    login(client, world.learner)
    observation = AssessmentMethod.objects.get(code="Obs")
    response = client.post(
        reverse("portfolio:evidence-create", args=[world.registration.pk]),
        {
            "title": "I observed myself",
            "date": today(1).isoformat(),
            "description": "Notes",
            "methods": [observation.pk],
            "submission_token": "t-1",
        },
    )
    assert response.status_code == 200
    assert not Evidence.objects.exists()


def test_learner_cannot_add_an_assessor_method_in_a_new_version(world):
    c1 = criteria_of(UNIT_A, 1)[0]
    evidence = make_evidence(world.registration, criteria=[c1], methods=("RA",))
    judge_link(actor=world.assessor, link=link_for(evidence, c1), accepted=False, feedback="Say more.")
    with pytest.raises(NotAllowed, match="recorded by the assessor"):
        new_version(actor=world.learner, evidence=evidence, methods=["RA", "Obs"])
    newer = new_version(actor=world.learner, evidence=evidence, methods=["RA", "PE"])
    assert sorted(newer.methods.values_list("code", flat=True)) == ["PE", "RA"]


# --- Simulation -------------------------------------------------------------------------------------------------------


def test_simulation_needs_a_reason(world):
    with pytest.raises(PortfolioError, match="Say why this evidence comes from a simulation"):
        _create(world.registration, world.learner, ["Sim"], simulation_reason="  ")
    assert not Evidence.objects.exists()
    evidence = _create(
        world.registration, world.learner, ["Sim"], simulation_reason="No complaints came in this month."
    )
    assert evidence.is_simulated and evidence.simulation_reason == "No complaints came in this month."
    event = Event.objects.get(action="evidence.created")
    assert event.data["simulation_reason"] == "No complaints came in this month."


def test_a_reason_without_simulation_is_not_kept(world):
    evidence = _create(world.registration, world.learner, ["RA"], simulation_reason="Left over from an earlier tick")
    assert evidence.simulation_reason == ""


@pytest.fixture
def premises_registration(world):
    return make_registration(
        world.centre, assessor=world.assessor, iqa=world.iqa, qualification=NVQ, optional_units=[ON_CUSTOMERS_PREMISES]
    )


def test_the_rule_quotes_its_specification_word_for_word():
    rule = WORKPLACE_RULES[ON_CUSTOMERS_PREMISES]
    seed = (SEEDS_DIR / "004_e2cf327b755f4700.txt").read_text(encoding="utf-8")
    assert " ".join(rule.quote.split()) in " ".join(seed.split())
    assert (
        Unit.objects.get(reference=ON_CUSTOMERS_PREMISES).title
        == "Deliver customer service on your customer’s premises"
    )


def test_simulated_evidence_cannot_be_linked_to_a_unit_that_must_be_assessed_in_real_work(world, premises_registration):
    registration = premises_registration
    premises = criteria_of(ON_CUSTOMERS_PREMISES, 1)[0]
    elsewhere = criteria_of("F/601/1609", 1)[0]  # a mandatory unit of the NVQ, with no such rule
    simulated = _create(registration, registration.learner, ["Sim"], simulation_reason="Role play in the centre.")
    with pytest.raises(PortfolioError, match="feels real ownership of the premises"):
        link_criteria(actor=registration.learner, evidence=simulated, add=[premises.pk, elsewhere.pk])
    assert not EvidenceLink.objects.filter(evidence=simulated).exists()

    link_criteria(actor=registration.learner, evidence=simulated, add=[elsewhere.pk])
    real = _create(registration, registration.learner, ["RA"])
    link_criteria(actor=registration.learner, evidence=real, add=[premises.pk])
    assert EvidenceLink.objects.filter(criterion=premises, evidence=real).exists()


def test_a_new_version_cannot_turn_workplace_evidence_into_a_simulation(world, premises_registration):
    registration = premises_registration
    premises = criteria_of(ON_CUSTOMERS_PREMISES, 1)[0]
    evidence = _create(registration, registration.learner, ["RA"])
    link_criteria(actor=registration.learner, evidence=evidence, add=[premises.pk])
    submit_evidence(actor=registration.learner, evidence=evidence, declaration=True)
    judge_link(actor=world.assessor, link=link_for(evidence, premises), accepted=False, feedback="Describe the visit.")
    with pytest.raises(PortfolioError, match="Simulated evidence cannot be linked"):
        new_version(actor=registration.learner, evidence=evidence, methods=["Sim"], simulation_reason="Role play")
    assert Evidence.objects.filter(registration=registration).count() == 1
    new_version(actor=registration.learner, evidence=evidence, methods=["RA", "PE"])


def test_evidence_names_its_methods_by_code_in_the_methods_order_from_what_a_page_fetched(
    world, django_assert_num_queries
):
    _create(world.registration, world.learner, ["RA", "PE"])
    evidence = Evidence.objects.prefetch_related("methods").get(registration=world.registration)
    expected = ", ".join(method.code for method in AssessmentMethod.objects.filter(code__in=["RA", "PE"]))
    with django_assert_num_queries(0):
        assert evidence.method_codes == expected
    assert sorted(expected.split(", ")) == ["PE", "RA"]


def test_what_a_page_holds_of_a_pieces_methods_follows_every_change_to_them(world, django_assert_num_queries):
    _create(world.registration, world.learner, ["RA"])
    evidence = Evidence.objects.prefetch_related("methods").get(registration=world.registration)
    with django_assert_num_queries(0):
        assert (evidence.method_codes, evidence.is_simulated) == ("RA", False)
    simulation = AssessmentMethod.objects.get(code="Sim")
    evidence.methods.add(simulation)
    assert evidence.is_simulated and evidence.method_codes == ", ".join(
        method.code for method in AssessmentMethod.objects.filter(code__in=["RA", "Sim"])
    )
    evidence.methods.set([simulation])
    assert (evidence.method_codes, evidence.is_simulated) == ("Sim", True)
    evidence.methods.clear()
    assert (evidence.method_codes, evidence.is_simulated) == ("", False)
    unheld = Evidence.objects.get(pk=evidence.pk)  # nothing fetched with it: asked of the database
    evidence.methods.add(AssessmentMethod.objects.get(code="PE"))
    assert unheld.method_codes == "PE"
