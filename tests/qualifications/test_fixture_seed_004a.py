"""Checks the catalogue fixture for seed 004, first half.

Seed: tests/qualifications/seeds/004_e2cf327b755f4700.txt, Highfield Level 2 NVQ Certificate in Customer
Service (RQF), 600/5469/4. This file holds the qualification (key facts, rules, groups and the
membership of all 49 units) and the content of the units whose headings are "Unit 1" to the
first "Unit 24" (A/601/1222). The second half of the units is in another fixture file.

Plain pytest: reads JSON only, no Django.
"""

import json
import re
from pathlib import Path

import pytest

FIXTURE = (
    Path(__file__).resolve().parents[2]
    / "fixtures"
    / "catalogue"
    / "004a_highfield_l2_nvq_certificate_customer_service.json"
)

QUAL_NUMBER = "600/5469/4"

# unit reference: (learning outcomes, assessment criteria), counted on the seed text with grep
# (LO lines "N.  text"; criterion codes "N.M") and checked by eye, unit by unit.
EXPECTED = {
    "F/601/1609": (3, 21),  # Unit 1
    "L/601/1614": (2, 15),  # Unit 2
    "R/601/1209": (3, 20),  # Unit 3
    "L/601/1211": (3, 18),  # Unit 4
    "R/601/1212": (2, 22),  # Unit 5
    "L/601/0933": (4, 21),  # Unit 6
    "D/601/0936": (4, 19),  # Unit 7
    "H/601/1215": (4, 15),  # Unit 8
    "M/601/1217": (3, 17),  # Unit 9
    "T/601/1218": (3, 20),  # Unit 10
    "M/601/1220": (4, 22),  # Unit 11
    "T/601/1221": (3, 23),  # Unit 12
    "F/601/1223": (4, 32),  # Unit 13
    "J/601/1224": (4, 24),  # Unit 14
    "R/601/1226": (4, 25),  # Unit 15
    "D/601/1228": (3, 20),  # Unit 16
    "D/601/1231": (4, 17),  # Unit 17
    "K/601/1233": (3, 22),  # Unit 18
    "A/601/1205": (2, 16),  # Unit 19
    "J/601/1210": (4, 17),  # Unit 20
    "Y/601/1213": (3, 25),  # Unit 21
    "K/601/1216": (3, 18),  # Unit 22
    "A/601/1219": (3, 21),  # Unit 23
    "A/601/1222": (3, 21),  # Unit 24 (the first "Unit 24")
}

# Appendix 1 structure table: reference -> (number in the qualification, group or None, level, glh, credit)
STRUCTURE = {
    "F/601/1609": ("1", None, 1, 30, 4),
    "L/601/1614": ("2", None, 2, 30, 4),
    "R/601/1209": ("3", "Group A", 1, 33, 5),
    "L/601/1211": ("4", "Group A", 1, 33, 5),
    "R/601/1212": ("5", "Group A", 2, 33, 5),
    "L/601/0933": ("6", "Group A", 2, 33, 5),
    "D/601/0936": ("7", "Group A", 2, 40, 6),
    "H/601/1215": ("8", "Group A", 2, 33, 5),
    "M/601/1217": ("9", "Group A", 2, 40, 6),
    "T/601/1218": ("10", "Group A", 2, 40, 6),
    "M/601/1220": ("11", "Group A", 2, 40, 6),
    "T/601/1221": ("12", "Group A", 2, 33, 5),
    "F/601/1223": ("13", "Group A", 2, 33, 5),
    "J/601/1224": ("14", "Group A", 2, 40, 6),
    "R/601/1226": ("15", "Group A", 3, 40, 6),
    "D/601/1228": ("16", "Group A", 3, 53, 8),
    "D/601/1231": ("17", "Group A", 3, 47, 7),
    "K/601/1233": ("18", "Group A", 3, 47, 7),
    "A/601/1205": ("19", "Group B", 1, 33, 5),
    "J/601/1210": ("20", "Group B", 2, 33, 5),
    "Y/601/1213": ("21", "Group B", 2, 33, 5),
    "K/601/1216": ("22", "Group B", 2, 33, 5),
    "A/601/1219": ("23", "Group B", 2, 53, 8),
    "A/601/1222": ("24", "Group B", 2, 27, 4),
    "L/601/1225": ("25", "Group B", 2, 33, 5),
    "Y/601/1227": ("26", "Group B", 2, 27, 4),
    "H/601/1229": ("27", "Group B", 3, 40, 6),
    "Y/601/1230": ("28", "Group B", 3, 40, 6),
    "H/601/1232": ("29", "Group B", 3, 47, 7),
    "M/601/1508": ("30", "Group C", 1, 33, 5),
    "T/601/1509": ("31", "Group C", 1, 27, 4),
    "M/601/1511": ("32", "Group C", 2, 40, 6),
    "T/601/1512": ("33", "Group C", 2, 40, 6),
    "J/601/1515": ("34", "Group C", 3, 40, 6),
    "D/601/1519": ("35", "Group C", 3, 67, 10),
    "D/601/1522": ("36", "Group C", 3, 40, 6),
    "T/601/1526": ("37", "Group D", 2, 40, 6),
    "A/601/1530": ("38", "Group D", 2, 33, 5),
    "R/601/1534": ("39", "Group D", 2, 40, 6),
    "H/601/1540": ("40", "Group D", 2, 33, 5),
    "M/601/1542": ("41", "Group D", 2, 33, 5),
    "R/601/1548": ("42", "Group D", 2, 40, 6),
    "Y/601/1549": ("43", "Group D", 2, 33, 5),
    "D/601/1553": ("44", "Group D", 3, 53, 8),
    "H/601/1554": ("45", "Group D", 3, 47, 7),
    "K/601/1555": ("46", "Group D", 3, 53, 8),
    "H/601/1568": ("47", "Group D", 3, 47, 7),
    "H/601/1571": ("48", "Group D", 3, 67, 10),
    "T/601/1574": ("49", "Group D", 3, 47, 7),
}

TITLES = {
    "F/601/1609": "Communicate using customer service language",
    "L/601/0933": "Give customers a positive impression of yourself and your organisation",
    "Y/601/1213": "Deliver customer service on your customer’s premises",
    "A/601/1222": "Use questioning techniques when delivering customer service",
}

# (unit, criterion code): text word for word from the seed, whitespace normalised
SPOT_CHECKS = {
    # first criterion of the first unit
    ("F/601/1609", "1.1"): "recognise typical customers and their expectations",
    ("F/601/1609", "3.11"): "identify who’s who and who does what to deliver customer service in their organisation",
    ("F/601/1609", "3.15"): "explain how the way they behave affects their customer’s service experience",
    ("L/601/1614", "2.10"): (
        "list the main things that they must do and not do in their job under external regulations "
        "that affect their customer service work"
    ),
    # LO and criterion side by side on one line in the extraction
    ("R/601/1209", "1.1"): "speak to customers clearly and put them at their ease",
    # hyphen at a line end belongs to the word
    ("L/601/1211", "2.4"): (
        "show a willing and friendly attitude when dealing with customers without being over-familiar"
    ),
    ("L/601/1211", "3.9"): (
        "Identify what they can do to cooperate with colleagues in giving customer service and why "
        "that might be helpful"
    ),
    ("H/601/1215", "4.7"): "describe legal and regulatory restrictions on the storage and use of customer data",
    # long criterion
    ("M/601/1217", "3.1"): (
        "identify the key features, moments of truth (those points in the customer service process that "
        "have the most impact on the customer experience) and customer experiences that define the "
        "organisation’s service offer, vision and promise"
    ),
    # as printed in the specification (no apostrophe)
    ("T/601/1218", "2.2"): "focus their attention on the customer they re dealing with",
    # 2.2 and 2.3 printed on one line in the extraction
    ("T/601/1221", "2.2"): "show an awareness of their customer’s needs for personal space",
    ("T/601/1221", "2.3"): (
        "focus their attention on their customer so that non-verbal signs do not betray disinterest, "
        "boredom or irritation"
    ),
    ("F/601/1223", "4.12"): "describe their organisation’s guidelines for handling abusive calls",
    # continues across a page break
    ("J/601/1224", "4.6"): (
        "explain the importance of adapting their speech to meet the needs of customers who may find "
        "their language or accent difficult to understand"
    ),
    ("R/601/1226", "4.4"): (
        "explain the importance of adapting their language to meet the needs of customers who may find "
        "the communication hard to understand"
    ),
    ("D/601/1228", "3.5"): (
        "explain the purpose of adding non-chargeable items to the service offer in order to impress "
        "customers and develop customer loyalty"
    ),
    ("K/601/1233", "3.7"): "identify ways to interpret information in a customer service knowledge set",
    ("J/601/1210", "3.3"): (
        "share information with colleagues and service partners to maintain and improve their standards "
        "of service delivery."
    ),
    # long criterion
    ("K/601/1216", "3.1"): (
        "explain the importance of recognising diversity in relation to age, disability, national origin, "
        "religion, sexual orientation, values, ethnic culture, education, lifestyle, beliefs, physical "
        "appearance, social class and economic status"
    ),
    ("A/601/1219", "1.1"): (
        "identify the language or languages other than their own that they are most likely to come across "
        "when dealing with customers"
    ),
    # last criterion of the last unit in this half
    ("A/601/1222", "3.8"): "explain why particular trigger questions are effective in gaining specific information",
}

LO_SPOT_CHECKS = {
    ("F/601/1609", "1"): "Identify customers and their characteristics and expectations",
    ("L/601/1614", "2"): "know how to follow the rules to deliver customer service",
    ("M/601/1220", "2"): "Check that your extra mile ideas are feasible",
    ("D/601/1231", "4"): "Understand how to organise and promote services or products to customers",
    ("A/601/1205", "2"): "Know how to do their job in a customer-friendly way",
    ("A/601/1222", "3"): "Understand how to use questioning techniques when delivering customer service",
}


@pytest.fixture(scope="module")
def data():
    with open(FIXTURE, encoding="utf-8") as fh:
        return json.load(fh)


@pytest.fixture(scope="module")
def units(data):
    return {u["reference"]: u for u in data["units"]}


@pytest.fixture(scope="module")
def qual(data):
    quals = [q for q in data["qualifications"] if q["number"] == QUAL_NUMBER]
    assert len(quals) == 1
    return quals[0]


def criteria_of(unit):
    return {c["code"]: c for lo in unit["learning_outcomes"] for c in lo["criteria"]}


def test_source_and_awarding_body(data):
    assert data["source"] == "004_e2cf327b755f4700.txt"
    assert data["awarding_bodies"] == [{"code": "highfield", "name": "Highfield Qualifications"}]
    assert data["pathways"] == []


def test_qualification_key_facts(qual):
    assert qual["title"] == "Highfield Level 2 NVQ Certificate in Customer Service (RQF)"
    assert qual["awarding_body"] == "highfield"
    assert (qual["level"], qual["credit"], qual["glh"], qual["tqt"], qual["min_age"]) == (2, 28, 192, 280, 16)


def test_qualification_rules(qual):
    rules = qual["rules"]
    assert rules["all_units"] is False
    assert rules["min_credits_from_optional"] == 20
    assert rules["min_glh"] is None
    # The printed list stays a list; "learners must complete" is printed twice across a line break, given once.
    assert rules["text"] == [
        "To complete the Highfield Level 2 NVQ Certificate in Customer Service (RQF), learners must complete the "
        "following",
        "• all units contained within the mandatory group",
        "• a minimum of 20 credits from the optional units in groups A-D",
        "At least one unit must be chosen from each of the optional groups",
    ]
    assert qual["groups"] == [{"name": f"Group {g}", "min_units": 1} for g in "ABCD"]


def test_qualification_membership(qual):
    members = {m["reference"]: m for m in qual["units"]}
    assert len(members) == len(qual["units"]) == 49
    assert set(members) == set(STRUCTURE)
    for ref, (number, group, _level, _glh, _credit) in STRUCTURE.items():
        m = members[ref]
        assert m["number"] == number, ref
        assert m["group"] == group, ref
        assert m["mandatory"] is (group is None), ref
    numbers = [m["number"] for m in qual["units"]]
    assert sorted(numbers, key=int) == [str(i) for i in range(1, 50)]
    counts = {}
    for m in qual["units"]:
        counts[m["group"]] = counts.get(m["group"], 0) + 1
    assert counts == {None: 2, "Group A": 16, "Group B": 11, "Group C": 7, "Group D": 13}
    group_names = {g["name"] for g in qual["groups"]}
    assert {m["group"] for m in qual["units"] if not m["mandatory"]} == group_names


def test_units_present_exactly(units, data):
    assert len(data["units"]) == len(units) == len(EXPECTED)
    assert set(units) == set(EXPECTED)


@pytest.mark.parametrize("ref", sorted(EXPECTED))
def test_unit_counts(units, ref):
    unit = units[ref]
    n_lo = len(unit["learning_outcomes"])
    n_ac = sum(len(lo["criteria"]) for lo in unit["learning_outcomes"])
    assert (n_lo, n_ac) == EXPECTED[ref]


@pytest.mark.parametrize("ref", sorted(EXPECTED))
def test_unit_facts_match_structure(units, ref):
    unit = units[ref]
    _number, _group, level, glh, credit = STRUCTURE[ref]
    assert (unit["level"], unit["glh"], unit["credit"]) == (level, glh, credit)
    assert unit["title"] and unit["summary"]
    assert unit["guidance"] == unit["types_of_evidence"] == unit["amplification"] == ""


def test_titles(units):
    for ref, title in TITLES.items():
        assert units[ref]["title"] == title


@pytest.mark.parametrize("ref", sorted(EXPECTED))
def test_codes_unique_and_prefixed(units, ref):
    unit = units[ref]
    lo_numbers = [lo["number"] for lo in unit["learning_outcomes"]]
    assert len(lo_numbers) == len(set(lo_numbers))
    assert lo_numbers == [str(i) for i in range(1, len(lo_numbers) + 1)]
    codes = []
    for lo in unit["learning_outcomes"]:
        assert lo["text"] and not re.match(r"^\d", lo["text"])
        for i, c in enumerate(lo["criteria"], 1):
            assert c["code"].split(".")[0] == lo["number"], c["code"]
            assert c["code"] == "%s.%d" % (lo["number"], i)
            assert c["text"] and not re.match(r"^\d", c["text"]), c
            assert "  " not in c["text"] and c["text"] == c["text"].strip()
            assert not re.search(r"\b\d+\.\d+\b", c["text"]), c  # no code swallowed into a text
            assert c["kind"] == "" and c["pathway"] is None
            codes.append(c["code"])
    assert len(codes) == len(set(codes))


def test_criterion_spot_checks(units):
    for (ref, code), text in SPOT_CHECKS.items():
        assert criteria_of(units[ref])[code]["text"] == text, (ref, code)


def test_learning_outcome_spot_checks(units):
    for (ref, number), text in LO_SPOT_CHECKS.items():
        los = {lo["number"]: lo for lo in units[ref]["learning_outcomes"]}
        assert los[number]["text"] == text, (ref, number)


def test_summary_spot_check(units):
    assert units["F/601/1609"]["summary"].startswith(
        "This unit is about the language and basic principles that are the heart of customer service"
    )
    assert units["A/601/1222"]["summary"].endswith(
        "This unit is probably not for a learner who deals with customers remotely when it takes time to "
        "exchange questions and responses."
    )


def test_no_printed_codes_in_this_half(units):
    for unit in units.values():
        for c in criteria_of(unit).values():
            assert c["printed_code"] is None


def test_notes(data):
    notes = {(n["unit"], n["field"]): n for n in data["notes"]}
    assert len(notes) == len(data["notes"]) == 5
    for n in data["notes"]:
        assert n["kind"] in ("correction", "judgement", "misprint")
        assert n["explanation"]

    n = notes[("L/601/1225", "number")]
    assert (n["kind"], n["qualification"], n["printed"], n["corrected"]) == ("judgement", QUAL_NUMBER, "24", "25")

    n = notes[("L/601/0933", "level")]
    assert (n["kind"], n["printed"], n["corrected"]) == ("judgement", "5", "2")

    n = notes[("T/601/1221", "text")]
    assert n["kind"] == "correction" and n["criterion"] == "2.2"
    assert n["printed"].startswith("show an awareness of their customer’s needs for personal space 2.3 focus")
    assert n["corrected"] == "show an awareness of their customer’s needs for personal space"

    n = notes[("T/601/1218", "text")]
    assert (n["kind"], n["criterion"], n["printed"]) == ("misprint", "2.2", "they re")

    n = notes[(None, "rules")]
    assert (n["kind"], n["qualification"]) == ("correction", QUAL_NUMBER)
    assert "learners must complete learners must complete the following" in n["printed"]


def test_corrected_values_applied(units, qual):
    assert units["L/601/0933"]["level"] == 2
    members = {m["reference"]: m for m in qual["units"]}
    assert members["L/601/1225"]["number"] == "25"
    assert members["A/601/1222"]["number"] == "24"
