"""Checks of the catalogue fixtures made from seeds 001 and 003.

Plain pytest: the fixtures are read as JSON, no Django needed.

- 001: Highfield Level 1 Award / Certificate / Diploma in Work-Related Studies for the Customer
  Service Sector (RQF), 603/4351/5, 603/4353/9, 603/4354/0 (13 shared units).
- 003: NCFE Level 2 Diploma for Customer Service Practitioners, 603/5681/9 (6 mandatory units).

The EXPECTED tables were counted from the seed text itself (grep/awk over the learning outcome
rows and criterion codes, then checked by eye), not from the parser that produced the fixtures.
"""

import json
import re
from pathlib import Path

import pytest

from tests.qualifications.seed_paths import find_seeds

REPO = Path(__file__).resolve().parents[2]
CATALOGUE = REPO / "fixtures" / "catalogue"
SEEDS = find_seeds()

FILE_001 = CATALOGUE / "001_highfield_l1_work_related_studies_customer_service.json"
FILE_003 = CATALOGUE / "003_ncfe_l2_diploma_customer_service_practitioners.json"

# unit reference: (number of learning outcomes, number of assessment criteria)
EXPECTED_001 = {
    "T/617/5410": (2, 9),
    "F/617/5412": (3, 17),
    "D/617/5417": (4, 16),
    "K/617/5419": (2, 9),
    "D/617/5420": (2, 7),
    "K/617/5422": (4, 19),
    "A/617/5425": (3, 13),
    "J/617/5427": (3, 16),
    "L/617/5428": (2, 9),
    "J/617/5430": (3, 10),
    "R/617/5432": (3, 11),
    "Y/617/5433": (3, 9),
    "A/617/5554": (2, 11),
}
EXPECTED_003 = {
    "F/618/0495": (2, 10),
    "J/618/0496": (3, 14),
    "L/618/0497": (2, 15),
    "R/618/0498": (2, 18),
    "Y/618/0499": (2, 8),
    "F/618/0500": (2, 12),
}

# (unit reference, code) -> text, copied by hand from the seed text
SPOT_001 = {
    # first criterion of the first unit (printed "2.1" under LO 1, renumbered)
    ("T/617/5410", "1.1"): "State what a first impression is",
    ("T/617/5410", "1.4"): "State the importance of different factors that can influence a customer",
    ("T/617/5410", "2.5"): "Outline the role of body language in customer interactions",
    ("F/617/5412", "1.1"): "Define the meaning of rapport",
    ("F/617/5412", "3.7"): "Outline what a 'probing' question is",
    ("D/617/5417", "1.1"): "Describe reasons why people complain",
    ("D/617/5417", "4.5"): "State an organisation's procedure to resolving complaints",
    ("K/617/5419", "1.1"): "Outline the difference between listening and hearing",
    ("K/617/5419", "2.6"): "Describe techniques to enable effective listening",
    ("D/617/5420", "1.2"): "Outline why it is important to continually meet and exceed organisational "
    "customer service standards",
    ("D/617/5420", "2.2"): "State the importance of company expectations in a customer service environment",
    ("K/617/5422", "1.1"): "Identify different ways an organisation can communicate with its customers",
    ("K/617/5422", "3.4"): "List the disadvantages of communication with customers over email/social media/livechat",
    ("K/617/5422", "4.5"): "Identify the barriers to communicating verbally",
    ("A/617/5425", "1.1"): "Identify what time work starts and finishes",
    ("A/617/5425", "2.5"): "State the importance of good personal hygiene.",
    ("A/617/5425", "3.3"): "Describe the benefits of a good, clear handover",
    # a long criterion
    ("J/617/5427", "2.3"): "Identify possible regulations/legislation that could be broken when "
    "communicating with customers online",
    ("J/617/5427", "3.5"): "Describe a situation when communication by email/online chat may not be appropriate",
    ("L/617/5428", "1.1"): "State what the responsibilities of the employer are regarding health and safety",
    ("L/617/5428", "2.2"): "Describe how customer information is stored and retrieved in line with "
    "Data Protection legislation",
    ("L/617/5428", "2.4"): "Outline how to protect the information and details of customers",
    ("J/617/5430", "1.1"): "Identify own strengths in a customer service environment",
    ("J/617/5430", "3.3"): "List reasons for undertaking personal development",
    ("R/617/5432", "1.1"): "State what diversity means",
    ("R/617/5432", "3.5"): "State the possible impact on an individual found to have demonstrate "
    "discriminatory behaviour",
    ("Y/617/5433", "1.1"): "State ways to obtain customer feedback",
    ("Y/617/5433", "2.1"): "State how customer feedback can be used by the organisation, the team and the individual.",
    ("Y/617/5433", "3.3"): "State organisational decisions that can be influenced by customer feedback",
    ("A/617/5554", "1.1"): "State the benefits of working together with others in a customer service environment",
    # last criterion of the last unit
    ("A/617/5554", "2.6"): "List what skills might be required for effective teamwork",
}
SPOT_003 = {
    # first criterion of the first unit
    ("F/618/0495", "1.1"): "Explain the purpose and scope of customer service",
    ("F/618/0495", "1.4"): "Explain barriers to providing effective customer service",
    ("F/618/0495", "2.5"): "Describe their responsibilities in meeting the requirements of legislation when "
    "delivering customer service and how to apply this in their role",
    ("J/618/0496", "1.1"): "Outline the aim and purpose of the organisation",
    ("J/618/0496", "1.5"): "Describe how the core values link to the culture of the organisation",
    ("J/618/0496", "3.5"): "Describe the organisation’s guidelines for the use of digital media",
    ("L/618/0497", "1.1"): "Explain what is meant by a customer-focused experience",
    ("L/618/0497", "1.5"): "Explain the importance of following up actions and keeping promises when "
    "delivering customer service",
    ("L/618/0497", "1.10"): "Take action to ensure that customers are satisfied before closing dialogue",
    ("L/618/0497", "2.5"): "Deliver customer service in line with organisational policies and procedures",
    ("R/618/0498", "1.1"): "Describe different questioning techniques that can be used when communicating "
    "with customers",
    ("R/618/0498", "1.5"): "Use effective techniques to build rapport with a customer and achieve a positive outcome",
    # a long criterion
    ("R/618/0498", "1.7"): "Use an appropriate tone of voice in face-to-face communication, written "
    "communication and digital communication which reflects the organisation’s brand",
    ("R/618/0498", "2.10"): "Maintain organisational standards of behaviour and communication when "
    "interacting with customers",
    (
        "Y/618/0499",
        "1.1",
    ): "Describe the systems, equipment and technology that can be used to deliver customer service",
    ("Y/618/0499", "2.4"): "Explain the importance to an organisation of balancing its needs with the needs "
    "of its customers",
    ("F/618/0500", "1.1"): "Describe their role, responsibilities and goals within the team and the organisation",
    ("F/618/0500", "1.5"): "Identify their own development needs in the customer service role and propose solutions",
    # last criterion of the last unit
    ("F/618/0500", "2.4"): "Work with others to share knowledge, ideas and good practice",
}

# (unit reference, number) -> learning outcome text
LO_SPOT = {
    ("T/617/5410", "1"): "Understand the factors that can influence a customers’ first impressions",
    ("F/617/5412", "1"): "Understand the importance of building rapport with customer",
    ("A/617/5554", "2"): "Understand how to support the work of a team",
    ("F/618/0495", "1"): "Understand customer service",
    ("R/618/0498", "2"): "Be able to handle customer complaints, conflict and challenge",
    ("F/618/0500", "2"): "Be able to work effectively within a team",
}

# (unit reference, code) -> start of the NCFE "Delivery and assessment" paragraph for that criterion
GUIDANCE_SPOT = {
    ("F/618/0495", "1.1"): "The learner must explain why an organisation needs to provide customer service "
    "and where in their organisation customer service is delivered.",
    ("F/618/0495", "1.4"): "The learner should explain situations and circumstances that can prevent",
    ("L/618/0497", "1.8"): "The learner must demonstrate that they have provided a personalised customer "
    "service to at least 3 customers.",
    ("Y/618/0499", "2.2"): "The learner should describe at least 3 methods of measuring whether customer "
    "service is effective and describe how the findings can be evaluated. This can "
    "include looking at quantitative and qualitative data from various sources.",
    ("F/618/0500", "1.8"): "The learner should show that customer service deadlines have been met to the "
    "quality standard expected by the organisation on at least 2 occasions. This could "
    "be at any stage of the customer journey and in accordance with the learner’s own role.",
    ("F/618/0500", "2.4"): "Working with others can be with any number of colleagues.",
}

# every correction / judgement recorded: (kind, unit, criterion, field, printed, corrected)
NOTES_001 = {
    ("correction", "T/617/5410", "1.1", "code", "2.1", "1.1"),
    ("correction", "T/617/5410", "1.2", "code", "2.2", "1.2"),
    ("correction", "T/617/5410", "1.3", "code", "2.3", "1.3"),
    ("correction", "T/617/5410", "1.4", "code", "2.4", "1.4"),
    (
        "judgement",
        "A/617/5425",
        None,
        "title",
        "Expectations of Working in Customer Service",
        "Expectations of working in a customer service role",
    ),
    ("judgement", "A/617/5425", None, "glh", "16", "22"),
    ("judgement", "L/617/5428", None, "glh", "22", "16"),
    # misprints of the specification, kept word for word
    (
        "misprint",
        "R/617/5432",
        "3.5",
        "text",
        "have demonstrate",
        "have demonstrate (printed; 'have demonstrated' meant)",
    ),
    (
        "misprint",
        "T/617/5410",
        None,
        "text",
        "a customers’ first impressions",
        "a customers’ first impressions (printed; 'a customer’s' meant)",
    ),
    (
        "misprint",
        "T/617/5410",
        "1.3",
        "text",
        "a customers’ first impression",
        "a customers’ first impression (printed; 'a customer’s' meant)",
    ),
    (
        "misprint",
        "T/617/5410",
        "2.4",
        "text",
        "a customers’ first impression",
        "a customers’ first impression (printed; 'a customer’s' meant)",
    ),
    (
        "misprint",
        "J/617/5427",
        "2.2",
        "text",
        "an organisations policies",
        "an organisations policies (printed; 'an organisation’s' meant)",
    ),
}
NOTES_003 = {
    ("correction", "F/618/0500", None, "reference", "£/618/0500", "F/618/0500"),
    ("judgement", "F/618/0500", None, "level", "5", "2"),
    ("correction", "F/618/0495", "1.4", "code", "14", "1.4"),
    ("correction", "J/618/0496", "1.5", "code", "15", "1.5"),
    ("correction", "L/618/0497", "1.5", "code", "15", "1.5"),
    ("correction", "R/618/0498", "1.1", "code", "11", "1.1"),
    ("correction", "R/618/0498", "1.5", "code", "15", "1.5"),
    ("correction", "F/618/0500", "1.5", "code", "15", "1.5"),
    ("correction", "L/618/0497", None, "summary", "high- quality", "high-quality"),
    ("correction", "Y/618/0499", "2.2", "guidance", "gualitative", "qualitative"),
    ("correction", "F/618/0500", "1.8", "guidance", "learner’'s", "learner’s"),
    (
        "correction",
        "F/618/0495",
        None,
        "types_of_evidence",
        "Evidence could include: e written answers e oral questioning o professional discussion.",
        "Evidence could include: • written answers • oral questioning • professional discussion.",
    ),
    (
        "correction",
        "F/618/0495",
        None,
        "types_of_evidence",
        "Evidence could include: e written answers e oral questioning e professional discussion.",
        "Evidence could include: • written answers • oral questioning • professional discussion.",
    ),
}

UNIT_KEYS = [
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
]
LO_KEYS = ["number", "text", "amplification", "types_of_evidence", "criteria"]
CRIT_KEYS = ["code", "text", "kind", "guidance", "amplification", "printed_code", "pathway"]
NOTE_KEYS = ["kind", "qualification", "unit", "criterion", "field", "printed", "corrected", "explanation"]


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


@pytest.fixture(scope="module")
def d001():
    return load(FILE_001)


@pytest.fixture(scope="module")
def d003():
    return load(FILE_003)


@pytest.fixture(scope="module")
def both(d001, d003):
    return [(d001, EXPECTED_001), (d003, EXPECTED_003)]


def units_by_ref(doc):
    return {u["reference"]: u for u in doc["units"]}


def criteria(doc):
    out = {}
    for u in doc["units"]:
        for lo in u["learning_outcomes"]:
            for c in lo["criteria"]:
                out[(u["reference"], c["code"])] = c
    return out


def test_top_level_shape(d001, d003):
    for doc, src in ((d001, "001_c499cb1939f4297c.txt"), (d003, "003_4287fa3148b5d381.txt")):
        assert list(doc) == ["source", "awarding_bodies", "pathways", "qualifications", "units", "notes"]
        assert doc["source"] == src
        assert doc["pathways"] == []
    assert d001["awarding_bodies"] == [{"code": "highfield", "name": "Highfield Qualifications"}]
    assert d003["awarding_bodies"] == [{"code": "ncfe", "name": "NCFE"}]


def test_record_shapes(both):
    for doc, _ in both:
        for u in doc["units"]:
            assert list(u) == UNIT_KEYS
            for lo in u["learning_outcomes"]:
                assert list(lo) == LO_KEYS
                for c in lo["criteria"]:
                    assert list(c) == CRIT_KEYS
                    assert c["kind"] == "" and c["pathway"] is None and c["amplification"] == ""
        for n in doc["notes"]:
            assert list(n) == NOTE_KEYS
            assert n["kind"] in ("correction", "judgement", "misprint")
            assert n["explanation"]


def test_unit_counts(both):
    for doc, expected in both:
        got = {}
        for u in doc["units"]:
            assert u["reference"] not in got, "unit listed twice: {}".format(u["reference"])
            got[u["reference"]] = (
                len(u["learning_outcomes"]),
                sum(len(lo["criteria"]) for lo in u["learning_outcomes"]),
            )
        assert set(got) == set(expected), f"missing {set(expected) - set(got)}, extra {set(got) - set(expected)}"
        for ref, counts in expected.items():
            assert got[ref] == counts, ref


def test_codes_unique_and_prefixed(both):
    for doc, _ in both:
        for u in doc["units"]:
            seen = set()
            lo_numbers = [lo["number"] for lo in u["learning_outcomes"]]
            assert len(lo_numbers) == len(set(lo_numbers)), u["reference"]
            for lo in u["learning_outcomes"]:
                assert re.fullmatch(r"\d+", lo["number"]), (u["reference"], lo["number"])
                for i, c in enumerate(lo["criteria"], 1):
                    assert c["code"] not in seen, (u["reference"], c["code"])
                    seen.add(c["code"])
                    assert c["code"].startswith(lo["number"] + "."), (u["reference"], c["code"])
                    # in these two seeds criteria run 1, 2, 3 ... within each outcome
                    assert c["code"] == "%s.%d" % (lo["number"], i), (u["reference"], c["code"])


def _lines(value) -> list[str]:
    """A field given as lines (paragraphs and bulleted items: lists stay lists), each line's words, bullet dropped."""
    if isinstance(value, list):
        return [line.removeprefix("• ").removeprefix("◦ ") for line in value]
    return [value]


def test_text_is_clean(both):
    for doc, _ in both:
        for u in doc["units"]:
            texts = [u["title"], u["summary"], u["guidance"]]
            texts += _lines(u["amplification"]) + _lines(u["types_of_evidence"])
            for lo in u["learning_outcomes"]:
                texts += [lo["text"]] + _lines(lo["amplification"]) + _lines(lo["types_of_evidence"])
                for c in lo["criteria"]:
                    texts += [c["text"], c["guidance"]]
                    assert c["text"], (u["reference"], c["code"])
            for t in texts:
                assert t == t.strip() and "  " not in t and "\n" not in t
                assert "<" not in t and ">" not in t and "**" not in t
                assert not re.search(r"[•●○¢£]", t), t


def test_spot_criteria(d001, d003):
    for doc, spots in ((d001, SPOT_001), (d003, SPOT_003)):
        crits = criteria(doc)
        for key, text in spots.items():
            assert key in crits, key
            assert crits[key]["text"] == text, key


def test_spot_learning_outcomes(d001, d003):
    los = {}
    for doc in (d001, d003):
        for u in doc["units"]:
            for lo in u["learning_outcomes"]:
                los[(u["reference"], lo["number"])] = lo["text"]
    for key, text in LO_SPOT.items():
        assert los[key] == text, key


def test_highfield_units(d001):
    units = units_by_ref(d001)
    assert [u["reference"] for u in d001["units"]] == list(EXPECTED_001)
    assert units["A/617/5425"]["title"] == "Expectations of working in a customer service role"
    assert units["A/617/5425"]["glh"] == 22 and units["L/617/5428"]["glh"] == 16
    assert sum(u["glh"] for u in d001["units"]) == 296
    assert sum(u["credit"] for u in d001["units"]) == 40
    assert all(u["level"] == 1 for u in d001["units"])
    assert units["A/617/5425"]["guidance"] == (
        "AC 1.1 & 1.2 – Learners do not need to be in employment. The training provider may wish to "
        "provide a fictional brief for learners to work from."
    )
    # the printed lists stay lists: a term, then what it covers as an item within it
    assert units["T/617/5410"]["amplification"][:2] == [
        "• First Impression:",
        "◦ An idea, feeling, or opinion about something or someone, especially one formed without conscious thought "
        "or on the basis of little evidence",
    ]
    assert units["K/617/5422"]["amplification"][-2:] == [
        "• Ways an organisation can communicate:",
        "◦ E-mail, Text/Multimedia message, Documents shared (Hard/soft/uploaded to shared drive), social media and "
        "smartphone applications",
    ]
    for u in d001["units"]:
        assert u["amplification"], u["reference"]
        assert u["summary"] == "" and u["types_of_evidence"] == ""


def test_highfield_qualifications(d001):
    quals = {q["number"]: q for q in d001["qualifications"]}
    assert set(quals) == {"603/4351/5", "603/4353/9", "603/4354/0"}
    refs = list(EXPECTED_001)
    figures = {
        "603/4351/5": (6, 45, 60, 45, False),
        "603/4353/9": (13, 101, 130, 101, False),
        "603/4354/0": (40, 296, 370, None, True),
    }
    for number, (credit, glh, tqt, min_glh, all_units) in figures.items():
        q = quals[number]
        assert q["awarding_body"] == "highfield" and q["level"] == 1 and q["min_age"] == 14
        assert (q["credit"], q["glh"], q["tqt"]) == (credit, glh, tqt)
        assert q["rules"]["all_units"] is all_units
        assert q["rules"]["min_glh"] == min_glh
        assert q["rules"]["min_credits_from_optional"] is None
        assert q["groups"] == []
        assert [m["reference"] for m in q["units"]] == refs
        assert [m["number"] for m in q["units"]] == [str(i) for i in range(1, 14)]
        for m in q["units"]:
            assert m["mandatory"] is all_units and m["group"] is None
    assert (
        "A minimum of 45 Guided Learning Hours (GLH) from any of the below units"
        in quals["603/4351/5"]["rules"]["text"]
    )
    assert "A minimum of 101 Guided Learning Hours (GLH)" in quals["603/4353/9"]["rules"]["text"]
    assert quals["603/4354/0"]["rules"]["text"].endswith("All of the below units")


def test_ncfe(d003):
    (q,) = d003["qualifications"]
    assert q["number"] == "603/5681/9" and q["awarding_body"] == "ncfe"
    assert (q["level"], q["credit"], q["glh"], q["tqt"], q["min_age"]) == (2, None, 205, 375, 16)
    assert q["rules"]["all_units"] is True and q["rules"]["min_glh"] is None
    assert [m["reference"] for m in q["units"]] == list(EXPECTED_003)
    assert all(m["mandatory"] is True and m["group"] is None for m in q["units"])
    units = units_by_ref(d003)
    assert sum(u["glh"] for u in d003["units"]) == 205
    for u in d003["units"]:
        assert u["credit"] is None and u["level"] == 2 and u["summary"]
        for lo in u["learning_outcomes"]:
            assert lo["types_of_evidence"][0] == "Evidence could include:"
            assert all(item.startswith("• ") for item in lo["types_of_evidence"][1:])
            for c in lo["criteria"]:
                assert c["guidance"], (u["reference"], c["code"])
                assert not re.match(r"\d+\.\d+", c["guidance"]), (u["reference"], c["code"])
    assert units["L/618/0497"]["summary"] == (
        "In this unit, learners show understanding of the components of a high-quality customer "
        "experience and how they can deliver positive outcomes for both an organisation and its customers."
    )
    lo = {(u["reference"], l["number"]): l for u in d003["units"] for l in u["learning_outcomes"]}
    # key words: one printed paragraph per line
    assert lo[("F/618/0495", "1")]["amplification"] == [
        "Customer journey: awareness, engagement, conversion, retention and loyalty"
    ]
    assert lo[("J/618/0496", "2")]["amplification"] == ""
    assert len(lo[("R/618/0498", "1")]["amplification"]) == 5
    assert lo[("R/618/0498", "1")]["amplification"][-1] == (
        "Appropriate method of communication: face-to-face and/or in writing"
    )
    # types of evidence: the printed bulleted list
    assert lo[("F/618/0495", "1")]["types_of_evidence"] == [
        "Evidence could include:",
        "• written answers",
        "• oral questioning",
        "• professional discussion.",
    ]
    assert lo[("F/618/0500", "1")]["types_of_evidence"] == [
        "Evidence could include:",
        "• written report",
        "• reflective account",
        "• oral or written questions",
        "• observation",
        "• witness testimony",
        "• annotated products (including personal development plan and/or appraisal documents)",
        "• professional discussion.",
    ]
    crits = criteria(d003)
    for key, start in GUIDANCE_SPOT.items():
        assert crits[key]["guidance"].startswith(start), key


def test_notes_and_printed_codes(d001, d003):
    for doc, expected in ((d001, NOTES_001), (d003, NOTES_003)):
        got = [(n["kind"], n["unit"], n["criterion"], n["field"], n["printed"], n["corrected"]) for n in doc["notes"]]
        assert len(got) == len(set(got))
        assert set(got) == expected
        refs = {u["reference"] for u in doc["units"]}
        crits = criteria(doc)
        for n in doc["notes"]:
            assert n["unit"] in refs
            if n["criterion"] is not None:
                assert (n["unit"], n["criterion"]) in crits
    # the misnumbered criteria of seed 001 keep their printed codes
    crits = criteria(d001)
    for i in range(1, 5):
        assert crits[("T/617/5410", "1.%d" % i)]["printed_code"] == "2.%d" % i
    assert crits[("T/617/5410", "2.1")]["printed_code"] is None
    assert sum(c["printed_code"] is not None for c in crits.values()) == 4
    # extraction damage in seed 003 is not a misnumbering: printed_code stays null
    assert all(c["printed_code"] is None for c in criteria(d003).values())


def _norm(s):
    return re.sub(r"\s+", " ", s)


def test_every_text_is_in_the_seed(d001, d003):
    """Every LO and criterion text (with its printed code) occurs in the normalised seed text."""
    raw = (SEEDS / "001_c499cb1939f4297c.txt").read_text(encoding="utf-8")
    raw = re.sub(r"<[^>]+>", " ", raw).replace("**", "").replace("*", "")
    raw = re.sub(r"[•●○]", " ", raw)
    s1 = _norm(re.sub(r"(?m)^\s*-\s+", " ", raw))
    for u in d001["units"]:
        assert " ".join(_lines(u["amplification"])) in s1, u["reference"]
        for lo in u["learning_outcomes"]:
            assert "{}. {}".format(lo["number"], lo["text"]) in s1, (u["reference"], lo["number"])
            for c in lo["criteria"]:
                assert "{} {}".format(c["printed_code"] or c["code"], c["text"]) in s1, (u["reference"], c["code"])
    s3 = _norm((SEEDS / "003_4287fa3148b5d381.txt").read_text(encoding="utf-8"))
    printed = {(n["unit"], n["criterion"]): n["printed"] for n in d003["notes"] if n["field"] == "code"}
    for u in d003["units"]:
        for lo in u["learning_outcomes"]:
            assert "{} {}".format(lo["number"], lo["text"]) in s3, (u["reference"], lo["number"])
            if lo["amplification"]:
                assert "Key word(s) {} Assessment guidance".format(" ".join(_lines(lo["amplification"]))) in s3
            if lo["types_of_evidence"]:
                for item in _lines(lo["types_of_evidence"]):
                    assert item in s3, (u["reference"], lo["number"], item)
            for c in lo["criteria"]:
                code = printed.get((u["reference"], c["code"]), c["code"])
                assert "{} {}".format(code, c["text"]) in s3, (u["reference"], c["code"])
