"""Checks on the catalogue fixtures made from seeds 000 and 002.

000: Highfield Level 2 Certificate in Customer Service (RQF), 600/5472/4.
002: Highfield Level 2 Diploma in Customer Service Skills (RQF), 603/4687/5.

Plain pytest: reads the JSON only. The word-for-word checks read the seed texts kept beside these tests
(tests/qualifications/seeds).
"""

import json
import re
from pathlib import Path

import pytest

from tests.qualifications.seed_paths import find_seeds

CATALOGUE = Path(__file__).resolve().parents[2] / "fixtures" / "catalogue"
FILE_000 = CATALOGUE / "000_highfield_l2_certificate_customer_service.json"
FILE_002 = CATALOGUE / "002_highfield_l2_diploma_customer_service_skills.json"
SEEDS = find_seeds()

# unit reference: (learning outcomes, assessment criteria), counted on the seed text with grep
# and checked by eye.
EXPECTED_000 = {
    "J/600/1003": (5, 32),  # 10 + 8 + 5 + 3 + 6
    "J/600/0658": (4, 28),  # 7 + 5 + 8 + 8
}
EXPECTED_002 = {
    "J/617/6433": (1, 3),
    "L/617/6434": (1, 5),
    "R/617/6435": (1, 3),
    "Y/617/6436": (1, 2),
    "D/617/6437": (1, 2),
    "H/617/6438": (1, 2),
    "D/617/6440": (1, 2),
    "H/617/6441": (1, 3),
    "M/617/6443": (1, 6),
    "A/617/6445": (1, 3),
    "F/617/6446": (1, 2),
    "J/617/6447": (1, 6),
    "L/617/6448": (1, 2),
    "R/617/6449": (1, 2),
    "J/617/6450": (1, 3),
    "L/617/6451": (1, 2),
    "R/617/6452": (1, 2),
    "Y/617/6453": (1, 6),
}
EXPECTED = {**EXPECTED_000, **EXPECTED_002}


def _load(path):
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


@pytest.fixture(scope="module")
def d000():
    return _load(FILE_000)


@pytest.fixture(scope="module")
def d002():
    return _load(FILE_002)


def _units(doc):
    return {u["reference"]: u for u in doc["units"]}


def _criteria(unit):
    return {c["code"]: c for lo in unit["learning_outcomes"] for c in lo["criteria"]}


def _crit(doc, ref, code):
    return _criteria(_units(doc)[ref])[code]


def _norm(text):
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\s+", " ", text).strip()


# --- shape and counts -------------------------------------------------------------------


@pytest.mark.parametrize("path,expected", [(FILE_000, EXPECTED_000), (FILE_002, EXPECTED_002)])
def test_unit_counts(path, expected):
    doc = _load(path)
    got = {
        u["reference"]: (
            len(u["learning_outcomes"]),
            sum(len(lo["criteria"]) for lo in u["learning_outcomes"]),
        )
        for u in doc["units"]
    }
    assert len(doc["units"]) == len(got), "unit listed twice"
    assert set(got) == set(expected), "missing or extra units"
    for ref, counts in expected.items():
        assert got[ref] == counts, ref


@pytest.mark.parametrize("path", [FILE_000, FILE_002])
def test_codes_unique_and_prefixed_by_lo(path):
    doc = _load(path)
    for unit in doc["units"]:
        codes = [c["code"] for lo in unit["learning_outcomes"] for c in lo["criteria"]]
        assert len(codes) == len(set(codes)), unit["reference"]
        lo_numbers = [lo["number"] for lo in unit["learning_outcomes"]]
        assert len(lo_numbers) == len(set(lo_numbers)), unit["reference"]
        for lo in unit["learning_outcomes"]:
            assert lo["text"] and lo["text"] == lo["text"].strip()
            for c in lo["criteria"]:
                assert c["code"].startswith(lo["number"] + "."), (unit["reference"], c["code"])
                assert re.fullmatch(re.escape(lo["number"]) + r"\.\d+", c["code"])
                assert c["text"] and "  " not in c["text"] and "<" not in c["text"]


@pytest.mark.parametrize("path", [FILE_000, FILE_002])
def test_record_shape(path):
    doc = _load(path)
    assert doc["awarding_bodies"] == [{"code": "highfield", "name": "Highfield Qualifications"}]
    crit_keys = {"code", "text", "kind", "guidance", "amplification", "printed_code", "pathway"}
    optional_crit_keys = {"wordings"}
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
    for unit in doc["units"]:
        assert set(unit) == unit_keys
        for lo in unit["learning_outcomes"]:
            assert set(lo) == {"number", "text", "amplification", "types_of_evidence", "criteria"}
            for c in lo["criteria"]:
                assert crit_keys <= set(c) <= crit_keys | optional_crit_keys
    for q in doc["qualifications"]:
        assert q["rules"]["all_units"] is True
        assert q["rules"]["min_credits_from_optional"] is None
        assert q["rules"]["min_glh"] is None
        assert q["groups"] == []
        assert all(qu["mandatory"] is True and qu["group"] is None for qu in q["units"])
        refs = [qu["reference"] for qu in q["units"]]
        assert set(refs) == set(_units(doc)), "qualification lists every unit of the file"
        by_ref = _units(doc)
        assert sum(by_ref[r]["credit"] for r in refs) == q["credit"]
        assert sum(by_ref[r]["glh"] for r in refs) == q["glh"]


# --- seed 000 ----------------------------------------------------------------------------


def test_000_qualification_key_facts(d000):
    (q,) = d000["qualifications"]
    assert q["number"] == "600/5472/4"
    assert q["title"] == "Highfield Level 2 Certificate in Customer Service (RQF)"
    assert q["awarding_body"] == "highfield"
    assert (q["level"], q["credit"], q["glh"], q["tqt"], q["min_age"]) == (2, 13, 115, 130, 14)
    assert [(u["reference"], u["number"]) for u in q["units"]] == [("J/600/1003", "1"), ("J/600/0658", "2")]
    assert d000["pathways"] == []


def test_000_units(d000):
    units = _units(d000)
    u1, u2 = units["J/600/1003"], units["J/600/0658"]
    assert (u1["title"], u1["level"], u1["glh"], u1["credit"]) == ("Delivery of effective customer service", 2, 50, 6)
    assert (u2["title"], u2["level"], u2["glh"], u2["credit"]) == (
        "Supporting the customer service environment",
        2,
        65,
        7,
    )
    assert u1["learning_outcomes"][0]["text"] == "Describe the principles of customer service"
    assert u2["learning_outcomes"][3]["text"] == "Apply customer service improvements and develop self"


def test_000_criterion_texts(d000):
    # first criterion of the first unit
    assert _crit(d000, "J/600/1003", "1.1")["text"] == "Identify the purpose of customer service"
    assert _crit(d000, "J/600/1003", "1.10")["text"] == (
        "Describe how an organisation can promote its products and/or services"
    )
    # a long one
    assert _crit(d000, "J/600/1003", "1.9")["text"] == (
        "Identify the methods a customer service deliverer can use to keep product and service knowledge up-to-date"
    )
    # last of unit 1
    assert _crit(d000, "J/600/1003", "5.6")["text"] == (
        "Identify how a code of practice or ethical standards can impact upon the activities of a service deliverer"
    )
    assert _crit(d000, "J/600/0658", "1.1")["text"] == "Identify the type of organisation"
    # kept as printed ("complain", not "complaint")
    assert _crit(d000, "J/600/0658", "3.8")["text"] == (
        "Identify the process of solving a customer problem or complain"
    )
    # last criterion, long
    assert _crit(d000, "J/600/0658", "4.8")["text"] == (
        "Prepare an individual learning/development plan which could be used as a basis for "
        "discussion with a relevant person, e.g. tutor, line manager, HR, training department"
    )
    for unit in d000["units"]:
        for lo in unit["learning_outcomes"]:
            for c in lo["criteria"]:
                assert c["kind"] == "" and c["pathway"] is None and c["printed_code"] is None


def test_000_guidance(d000):
    u2 = _units(d000)["J/600/0658"]
    # one printed paragraph per line
    assert len(u2["guidance"]) == 9
    assert u2["guidance"][0] == (
        "The following assessment criteria are based on candidate performance; however, "
        "simulation can be used if workplace evidence is not available."
    )
    assert u2["guidance"][2] == "Suitable evidence may include:"
    assert u2["guidance"][-1].endswith("to evidence 1.4")
    guided = {code: c["guidance"] for code, c in _criteria(u2).items() if c["guidance"]}
    assert guided == {
        "1.4": "Completed customer record(s)",
        "3.1": "Various methods of communication such as letters, emails, producing posters etc.",
        "3.4": "Use of a telephone, using the correct greeting, putting the customer on hold, "
        "transferring the call and wrapping up the call correctly.",
        "3.7": "This can be simulated through role play.",
        "4.1": "Learner should design a method of collecting feedback, eg customer feedback form "
        "or a series of questions for completing an after-service phone call.",
    }
    assert _units(d000)["J/600/1003"]["guidance"] == ""


def test_000_notes(d000):
    notes = d000["notes"]
    assert len(notes) == 2
    n, misprint = notes
    assert (misprint["kind"], misprint["unit"], misprint["criterion"], misprint["printed"]) == (
        "misprint",
        "J/600/0658",
        "3.8",
        "complain",
    )
    assert (n["kind"], n["unit"], n["field"], n["printed"], n["corrected"]) == (
        "judgement",
        "J/600/1003",
        "title",
        "Delivery of Effective Customer Service",
        "Delivery of effective customer service",
    )


# --- seed 002 ----------------------------------------------------------------------------


def test_002_qualification_key_facts(d002):
    (q,) = d002["qualifications"]
    assert q["number"] == "603/4687/5"
    assert q["title"] == "Highfield Level 2 Diploma in Customer Service Skills (RQF)"
    assert (q["level"], q["credit"], q["glh"], q["tqt"], q["min_age"]) == (2, 39, 280, 390, 16)
    assert [u["number"] for u in q["units"]] == [str(n) for n in range(1, 19)]
    assert [u["reference"] for u in q["units"]] == list(EXPECTED_002)


def test_002_pathways(d002):
    assert [(p["code"], p["name"]) for p in d002["pathways"]] == [
        ("face-to-face", "Face to face"),
        ("non-facing", "Non-facing"),
    ]
    on_path = {}
    for unit in d002["units"]:
        for code, c in _criteria(unit).items():
            if c["pathway"] is not None:
                on_path[code] = c["pathway"]
    assert on_path == {
        "S9.1": "face-to-face",
        "S9.2": "face-to-face",
        "S9.3": "face-to-face",
        "S9.4": "non-facing",
        "S9.5": "non-facing",
        "S9.6": "non-facing",
    }


def test_002_unit_17_every_learner_takes_b17_1_in_their_pathway_wording_and_b17_2(d002):
    b171 = _crit(d002, "R/617/6452", "B17.1")
    b172 = _crit(d002, "R/617/6452", "B17.2")
    assert b171["pathway"] is None and b172["pathway"] is None
    assert b171["wordings"] == [
        {
            "pathway": "face-to-face",
            "text": "Present a professional image in line with the organisational dress code and code of conduct",
        },
        {
            "pathway": "non-facing",
            "text": "Demonstrate a positive attitude and welcoming approach consistently when dealing with customers",
        },
    ]
    # each wording is part of the printed text, word for word
    for wording in b171["wordings"]:
        assert wording["text"] in b171["text"]


def test_002_kinds_and_lo_numbers(d002):
    for n, unit in enumerate(d002["units"], start=1):
        prefix = "K" if n <= 7 else ("S" if n <= 12 else "B")
        (lo,) = unit["learning_outcomes"]
        assert lo["number"] == f"{prefix}{n}"
        for c in lo["criteria"]:
            assert c["kind"] == c["code"][0] == prefix


def test_002_criterion_texts(d002):
    assert _crit(d002, "J/617/6433", "K1.1")["text"] == (
        "Explain the difference between internal and external customers in the context of their organisation"
    )
    assert _crit(d002, "L/617/6434", "K2.2")["text"] == ("State what is meant by the organisation's 'brand promise'")
    # kept as printed ("an understand")
    assert _crit(d002, "H/617/6438", "K6.1")["text"] == (
        "Explain how an understand of the facts can be used to create a customer focused experience"
    )
    assert _crit(d002, "M/617/6443", "S9.4")["text"] == (
        "Demonstrate ability to make initial customer contact and make use of appropriate communication skills"
    )
    assert _crit(d002, "R/617/6452", "B17.1")["text"] == (
        "Face-to-face Present a professional image in line with the organisational dress code and "
        "code of conduct OR Non-facing Demonstrate a positive attitude and welcoming approach "
        "consistently when dealing with customers"
    )
    # last criterion, long
    assert _crit(d002, "Y/617/6453", "B18.6")["text"] == (
        "Recognise the importance of good customer service to the customer and in turn the "
        "organisation, making contact as promised, referring to others as necessary with all "
        "required detail, following up to ensure conclusion"
    )
    lo9 = _units(d002)["M/617/6443"]["learning_outcomes"][0]
    assert lo9["text"] == (
        "(Depending on job role and work environment) Use appropriate verbal and non-verbal "
        "communication skills, along with summarising language during face-to-face communications "
        "And/or Use appropriate communication skills, along with reinforcement techniques (to "
        "confirm understanding) during non-facing customer interactions"
    )


def test_002_units_and_guidance(d002):
    units = _units(d002)
    assert units["L/617/6451"]["title"] == "Equality – treating all customers as individuals"
    assert units["L/617/6448"]["title"] == "Developing Self"
    assert all(u["level"] == 2 for u in d002["units"])
    assert units["L/617/6434"]["amplification"][:3] == [
        "• Sector",
        "◦ Public, private or third sector (charity)",
        "• ‘Brand promise'",
    ]
    assert units["A/617/6445"]["amplification"] == ["• Clear and coherent manner", "◦ i.e. without the use of jargon"]
    (guidance,) = units["M/617/6443"]["guidance"]
    assert guidance.startswith("• ") and guidance.endswith(
        "If the learner deals with customers on a non-facing basis, they should complete S9.4, S9.5 and S9.6."
    )
    (guidance,) = units["R/617/6452"]["guidance"]
    assert guidance.endswith("they should complete B17.2.")
    with_amp = {ref for ref, u in units.items() if u["amplification"]}
    assert with_amp == {"L/617/6434", "Y/617/6436", "D/617/6440", "M/617/6443", "A/617/6445"}


def test_002_notes(d002):
    notes = d002["notes"]
    assert len(notes) == 11
    titles = {n["unit"]: (n["printed"], n["corrected"]) for n in notes if n["field"] == "title"}
    assert titles == {
        "L/617/6448": ("Developing self", "Developing Self"),
        "L/617/6451": (
            "Equality – treating all customer as individuals",
            "Equality – treating all customers as individuals",
        ),
    }
    bullets = {n["unit"]: n for n in notes if n["field"] == "amplification"}
    assert set(bullets) == {"L/617/6434", "Y/617/6436", "D/617/6440", "M/617/6443", "A/617/6445"}
    units = _units(d002)
    for ref, n in bullets.items():
        assert n["kind"] == "correction"
        assert " o " in n["printed"]
        assert n["corrected"] == " ".join(units[ref]["amplification"])
    pathway = {(n["unit"], n["criterion"]): n for n in notes if n["field"] == "pathway"}
    assert set(pathway) == {("M/617/6443", None), ("R/617/6452", None)}
    assert pathway[("M/617/6443", None)]["corrected"] == (
        "S9.1, S9.2, S9.3: pathway face-to-face; S9.4, S9.5, S9.6: pathway non-facing"
    )
    unit_17 = pathway[("R/617/6452", None)]
    # both readings recorded, the one taken said, and shown on the unit's tracking sheet
    assert unit_17["kind"] == "judgement" and unit_17["shown_on_sheet"] is True
    assert "B17.1 for face-to-face" not in unit_17["explanation"]
    assert "face-to-face learners take B17.1 and non-facing learners take B17.2" in unit_17["explanation"]
    assert "never under-assesses" in unit_17["explanation"]
    assert unit_17["corrected"].startswith("Every learner is assessed on B17.1 in the wording of their pathway")
    misprints = {(n["unit"], n["criterion"]): n["printed"] for n in notes if n["kind"] == "misprint"}
    assert misprints == {("H/617/6438", "K6.1"): "an understand", ("L/617/6451", None): "the organisations core values"}
    for n in notes:
        assert n["kind"] in ("correction", "judgement", "misprint") and n["explanation"]


def test_no_printed_code_corrections(d000, d002):
    # Neither seed needed a criterion renumbered.
    for doc in (d000, d002):
        for unit in doc["units"]:
            for c in _criteria(unit).values():
                assert c["printed_code"] is None


# --- word for word against the seed text ----------------------------------------------------


def _flat(value) -> str:
    """A text that the fixture may give as lines (paragraphs and "• " items), as one run of words."""
    if isinstance(value, list):
        return " ".join(line.removeprefix("• ").removeprefix("◦ ") for line in value)
    return value


@pytest.mark.parametrize("path", [FILE_000, FILE_002])
def test_texts_occur_in_seed(path):
    doc = _load(path)
    seed = SEEDS / doc["source"]
    text = _norm(seed.read_text(encoding="utf-8").replace("**", ""))
    for q in doc["qualifications"]:
        assert q["title"] in text
        assert _flat(q["rules"]["text"]) in text
    for p in doc["pathways"]:
        assert p["description"] in text
    for unit in doc["units"]:
        assert unit["reference"] in text
        assert unit["title"] in text
        if unit["guidance"]:
            assert _flat(unit["guidance"]) in _norm(re.sub(r"</?p>", " ", text.replace("• ", "")))
        for line in unit["amplification"]:
            assert line.removeprefix("• ").removeprefix("◦ ") in text
        for lo in unit["learning_outcomes"]:
            assert f"{lo['number']}. {lo['text']}" in text or f"{lo['number']} {lo['text']}" in text
            for c in lo["criteria"]:
                assert f"{c['code']} {c['text']}" in text, (unit["reference"], c["code"])
                for wording in c.get("wordings", []):
                    assert wording["text"] in text
                if c["guidance"]:
                    assert f"{c['code']} {c['guidance']}" in text
    for n in doc["notes"]:
        if n["field"] in ("title", "amplification") or n["kind"] == "misprint":
            assert n["printed"] in text
