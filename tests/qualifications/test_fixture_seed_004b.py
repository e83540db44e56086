"""Checks for the second half of the seed 004 catalogue fixture.

Seed: tests/qualifications/seeds/004_e2cf327b755f4700.txt (Highfield Level 2 NVQ Certificate in Customer
Service (RQF), 600/5469/4). This file covers the units printed from the second "Unit 24"
(Deal with customers using bespoke software, L/601/1225) to Unit 49 (T/601/1574).
Plain pytest: reads the JSON only, no Django.
"""

import json
import re
from pathlib import Path

import pytest

FIXTURE = (
    Path(__file__).resolve().parents[2]
    / "fixtures"
    / "catalogue"
    / "004b_highfield_l2_nvq_certificate_customer_service.json"
)

# unit reference: (learning outcomes, assessment criteria), counted from the seed text with
# grep over each unit's line range (numbered LO lines "N. ", criterion codes "N.N ") and checked
# by eye. D/601/1519 prints its first LO without a number (grep finds 2 numbered LOs + 1).
EXPECTED = {
    "L/601/1225": (3, 23),
    "Y/601/1227": (3, 16),
    "H/601/1229": (3, 18),
    "Y/601/1230": (4, 23),
    "H/601/1232": (4, 17),
    "M/601/1508": (3, 20),
    "T/601/1509": (4, 21),
    "M/601/1511": (4, 21),
    "T/601/1512": (3, 27),
    "J/601/1515": (4, 18),
    "D/601/1519": (3, 16),
    "D/601/1522": (3, 23),
    "T/601/1526": (4, 21),
    "A/601/1530": (4, 17),
    "R/601/1534": (4, 19),
    "H/601/1540": (3, 18),
    "M/601/1542": (4, 26),
    "R/601/1548": (3, 20),
    "Y/601/1549": (3, 21),
    "D/601/1553": (4, 17),
    "H/601/1554": (4, 17),
    "K/601/1555": (4, 22),
    "H/601/1568": (4, 20),
    "H/601/1571": (4, 27),
    "T/601/1574": (4, 26),
}

# reference: (title, level, glh, credit) from the Appendix 1 structure table and unit headers.
UNIT_FACTS = {
    "L/601/1225": ("Deal with customers using bespoke software", 2, 33, 5),
    "Y/601/1227": ("Maintain customer service through effective handover", 2, 27, 4),
    "H/601/1229": ("Deliver customer service using service partnerships", 3, 40, 6),
    "Y/601/1230": ("Organise the delivery of reliable customer service", 3, 40, 6),
    "H/601/1232": ("Improve the customer relationship", 3, 47, 7),
    "M/601/1508": ("Recognise and deal with customer queries, requests and problems", 1, 33, 5),
    "T/601/1509": ("Take details of customer service problems", 1, 27, 4),
    "M/601/1511": ("Resolve customer service problems", 2, 40, 6),
    "T/601/1512": ("Deliver customer service to difficult customers", 2, 40, 6),
    "J/601/1515": ("Monitor and solve customer service problems", 3, 40, 6),
    "D/601/1519": ("Apply risk assessment to customer service", 3, 67, 10),
    "D/601/1522": ("Process customer service complaints", 3, 40, 6),
    "T/601/1526": ("Develop customer relationships", 2, 40, 6),
    "A/601/1530": ("Support customer service improvements", 2, 33, 5),
    "R/601/1534": ("Develop personal performance through delivering customer service", 2, 40, 6),
    "H/601/1540": ("Support customers using on-line customer services", 2, 33, 5),
    "M/601/1542": ("Buddy a colleague to develop their customer service skills", 2, 33, 5),
    "R/601/1548": ("Develop your own customer service skills through self-study", 2, 40, 6),
    "Y/601/1549": ("Support customers using self-service technology", 2, 33, 5),
    "D/601/1553": ("Work with others to improve customer service", 3, 53, 8),
    "H/601/1554": ("Promote continuous improvement", 3, 47, 7),
    "K/601/1555": ("Develop your own and others’ customer service skills", 3, 53, 8),
    "H/601/1568": ("Lead a team to improve customer service", 3, 47, 7),
    "H/601/1571": ("Gather, analyse and interpret customer feedback", 3, 67, 10),
    "T/601/1574": ("Monitor the quality of customer service transactions", 3, 47, 7),
}

# (unit, criterion code, exact text) copied from the seed, whitespace normalised.
SPOT_CHECKS = [
    # first criterion of the first unit in this part
    ("L/601/1225", "1.1", "sign on and open access to appropriate functions in the IT system"),
    # long criteria
    (
        "H/601/1229",
        "2.1",
        "create a positive relationship between internal or external suppliers and customers by "
        "establishing rapport and showing understanding of everyone’s roles in the service chain",
    ),
    (
        "D/601/1519",
        "1.1",
        "Show that they know and undersand their organisation’s customer service process and "
        "identify the moments of truth (those points in the customer service process that have "
        "most impact on the customer experience)",
    ),
    (
        "J/601/1515",
        "2.2",
        "identify the options for dealing with a repeated customer service problem and consider "
        "the advantages and disadvantages of each option",
    ),
    (
        "H/601/1571",
        "4.10",
        "compare the advantages and disadvantages of collecting customer feedback through written "
        "questionnaires, by telephone, by interview, using focus groups or by internet or e-mail",
    ),
    (
        "D/601/1519",
        "3.5",
        "define SWOT (Strengths, Weaknesses, Opportunities, Threats) and PESTLE (Political, "
        "Economic, Social, Technological, Legal, Environmental) analysis",
    ),
    (
        "T/601/1512",
        "2.9",
        "advise their manager or the appropriate colleagues if the customer is likely to re-open the matter with them",
    ),
    ("M/601/1511", "4.4", "identify the limitations of what they can offer their customer"),
    # LO text on the same line as the first criterion in the seed
    ("M/601/1508", "2.1", "recognise when something is a problem from the customer’s point of view"),
    # corrected criteria
    ("M/601/1508", "3.10", "identify the types of behaviour that may make a problem worse"),
    # printed codes kept across the gap where no 3.3 is printed
    (
        "T/601/1574",
        "3.4",
        "give feedback to their colleague regarding features of their customer service delivery "
        "that would benefit from development",
    ),
    (
        "T/601/1574",
        "3.6",
        "maintain records of customer service quality monitoring and action plans for improvements",
    ),
    # last criterion of the last unit
    (
        "T/601/1574",
        "4.10",
        "explain the importance of keeping detailed records of coaching and training relating to "
        "customer service delivery",
    ),
]

LO_SPOT_CHECKS = [
    ("L/601/1225", "1", "Prepare to deliver customer service using bespoke software"),
    ("D/601/1519", "1", "Analyse customer service processes for risk"),
    ("Y/601/1230", "2", "Review and maintain customer service delivery"),
    ("J/601/1515", "4", "Understand how to monitor and solve customer service problems"),
    ("T/601/1574", "4", "Understand how to monitor the quality of customer service transactions"),
]

# (unit, criterion, field, printed, corrected) of every note recorded for this part.
EXPECTED_NOTES = {
    (
        "M/601/1508",
        "3.10",
        "text",
        "identify the types of behaviour that may ake a problem worse",
        "identify the types of behaviour that may make a problem worse",
    ),
    ("D/601/1519", None, "number", "", "1"),
    (
        "D/601/1519",
        "1.6",
        "text",
        "ensure that your customers are aware of any risks that might impact on them develop "
        "staff awareness of the risks they have identified",
        "ensure that your customers are aware of any risks that might impact on them develop "
        "staff awareness of the risks they have identified",
    ),
    (
        "D/601/1522",
        None,
        "title",
        "Process customer service problems",
        "Process customer service complaints",
    ),
    # A gap in the printed numbering is kept, with a note, not renumbered.
    ("T/601/1574", None, "code", "3.1, 3.2, 3.4, 3.5, 3.6", "3.1, 3.2, 3.4, 3.5, 3.6"),
    # A misprint kept word for word, with a note.
    ("D/601/1519", "1.1", "text", "undersand", "undersand (printed; 'understand' meant)"),
}

# Where the printed numbering skips a number, the printed codes are kept: (unit, outcome) -> codes.
GAPS = {("T/601/1574", "3"): ["3.1", "3.2", "3.4", "3.5", "3.6"]}


@pytest.fixture(scope="module")
def data():
    with FIXTURE.open(encoding="utf-8") as f:
        return json.load(f)


@pytest.fixture(scope="module")
def units(data):
    return {u["reference"]: u for u in data["units"]}


def _criteria(unit):
    return {c["code"]: c for lo in unit["learning_outcomes"] for c in lo["criteria"]}


def test_top_level(data):
    assert data["source"] == "004_e2cf327b755f4700.txt"
    assert data["qualifications"] == []
    assert data["pathways"] == []
    assert data["awarding_bodies"] == [{"code": "highfield", "name": "Highfield Qualifications"}]


def test_no_unit_missing_or_extra(data):
    refs = [u["reference"] for u in data["units"]]
    assert len(refs) == len(set(refs))
    assert set(refs) == set(EXPECTED)


@pytest.mark.parametrize("ref", sorted(EXPECTED))
def test_counts(units, ref):
    unit = units[ref]
    n_lo = len(unit["learning_outcomes"])
    n_ac = sum(len(lo["criteria"]) for lo in unit["learning_outcomes"])
    assert (n_lo, n_ac) == EXPECTED[ref]


@pytest.mark.parametrize("ref", sorted(UNIT_FACTS))
def test_unit_facts(units, ref):
    unit = units[ref]
    assert (unit["title"], unit["level"], unit["glh"], unit["credit"]) == UNIT_FACTS[ref]


@pytest.mark.parametrize("ref,code,text", SPOT_CHECKS)
def test_criterion_text(units, ref, code, text):
    assert _criteria(units[ref])[code]["text"] == text


@pytest.mark.parametrize("ref,number,text", LO_SPOT_CHECKS)
def test_learning_outcome_text(units, ref, number, text):
    los = {lo["number"]: lo for lo in units[ref]["learning_outcomes"]}
    assert los[number]["text"] == text


def test_first_and_last_criterion(data):
    first = data["units"][0]
    last = data["units"][-1]
    assert first["reference"] == "L/601/1225"
    assert first["learning_outcomes"][0]["criteria"][0]["code"] == "1.1"
    assert last["reference"] == "T/601/1574"
    assert last["learning_outcomes"][-1]["criteria"][-1]["code"] == "4.10"


@pytest.mark.parametrize("ref", sorted(EXPECTED))
def test_codes_unique_and_prefixed(units, ref):
    seen = set()
    for lo in units[ref]["learning_outcomes"]:
        assert re.fullmatch(r"\d+", lo["number"])
        for c in lo["criteria"]:
            assert c["code"] not in seen, (ref, c["code"])
            seen.add(c["code"])
            assert c["code"].startswith(lo["number"] + "."), (ref, lo["number"], c["code"])
    numbers = [lo["number"] for lo in units[ref]["learning_outcomes"]]
    assert numbers == [str(i) for i in range(1, len(numbers) + 1)]


@pytest.mark.parametrize("ref", sorted(EXPECTED))
def test_codes_consecutive_except_where_the_print_skips_a_number(units, ref):
    for lo in units[ref]["learning_outcomes"]:
        codes = [c["code"] for c in lo["criteria"]]
        expected = GAPS.get((ref, lo["number"])) or [f"{lo['number']}.{i}" for i in range(1, len(codes) + 1)]
        assert codes == expected


def test_no_code_is_renumbered_in_this_half(units):
    """Nothing collides here, so every code is the printed one (T/601/1574 3.3 is simply not printed)."""
    for ref in EXPECTED:
        for code, c in _criteria(units[ref]).items():
            assert c["printed_code"] is None, (ref, code)


def test_notes(data):
    got = {(n["unit"], n["criterion"], n["field"], n["printed"], n["corrected"]) for n in data["notes"]}
    assert got == EXPECTED_NOTES
    for n in data["notes"]:
        assert n["kind"] in ("correction", "judgement", "misprint")
        assert n["explanation"].strip()
        assert n["unit"] in EXPECTED
    # The second "Unit 24" (L/601/1225) is recorded once, in 004a beside the membership list.


def test_shape_and_clean_text(data):
    unit_keys = {
        "reference",
        "title",
        "level",
        "glh",
        "credit",
        "summary",
        "guidance",
        "types_of_evidence",
        "amplification",
        "learning_outcomes",
    }
    lo_keys = {"number", "text", "amplification", "types_of_evidence", "criteria"}
    crit_keys = {
        "code",
        "text",
        "kind",
        "guidance",
        "amplification",
        "printed_code",
        "pathway",
    }
    bad = re.compile(r"\s{2}|^\s|\s$|Learning Outcomes|The learner will The learner can|Highfield Level 2 NVQ|<")
    for u in data["units"]:
        assert set(u) == unit_keys
        assert isinstance(u["level"], int) and isinstance(u["glh"], int)
        assert isinstance(u["credit"], int)
        if u["summary"]:
            assert not bad.search(u["summary"])
        for lo in u["learning_outcomes"]:
            assert set(lo) == lo_keys
            assert lo["text"] and not bad.search(lo["text"])
            for c in lo["criteria"]:
                assert set(c) == crit_keys
                assert c["text"] and not bad.search(c["text"]), (u["reference"], c["code"])
                assert c["kind"] == "" and c["pathway"] is None


def test_summaries(units):
    # H/601/1229 has no unit introduction in the specification
    assert units["H/601/1229"]["summary"] == ""
    assert units["L/601/1225"]["summary"].startswith(
        "Customer service is often delivered using bespoke software when dealing with customers "
        "face-to-face, by telephone or on-line."
    )
    assert units["T/601/1574"]["summary"].endswith("working with colleagues to improve their performance.")
    for ref, u in units.items():
        if ref != "H/601/1229":
            assert u["summary"], ref
