"""Demo evidence (see `manage.py seed_demo`), made through the portfolio services so that every rule holds and the
history reads like a real portfolio's:

- Grace Patel (learner4, Certificate, trainee assessor): every criterion of both units evidenced, accepted and met,
  and every decision countersigned by the trainee's countersignatory, so demo.signoff can sign both units off;
- Liam Walsh (learner1, NVQ): unit L/601/1614 complete (demo.signoff signs it), other units in progress, with
  rejected evidence to redo and a witness invited;
- Sophie Turner (learner2, Diploma, trainee assessor): one unit complete and countersigned, and a later decision of
  the trainee's awaiting countersignature;
- Jacob Evans (learner3) and Olivia Hart (Southbank): a first piece of evidence awaiting review; Jacob also has an
  RPL claim for his prior certificate, decided by his assessor (some criteria accepted, one rejected) and checked by
  the IQA;
- Ethan Brooks (learner5, Level 1 Award): unit F/617/5412 complete, so demo.signoff signs it off and carries it
  into his Diploma.

Photos and PDFs are made in code. Idempotent: each piece is keyed by the title of its first evidence, and a piece
already in the portfolio is left alone. Stored file names go to context["stored_files"], so that seed_demo can
remove them if the whole seeding is rolled back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

from portfolio.models import Adjustment, CountersignStatus, CriterionDecision, Evidence, EvidenceLink
from portfolio.services import AlreadyDone
from portfolio.services.adjustments import decide_adjustment, request_adjustment
from portfolio.services.checks import allowed_criteria
from portfolio.services.evidence import create_evidence, link_criteria, submit_evidence
from portfolio.services.judgement import countersign_decision, countersign_link, judge_link, mark_criterion_met
from portfolio.services.rpl import check_rpl, claim_rpl, decide_rpl
from portfolio.services.witness import invite_witness, testimony_url

from .files import demo_pdf, demo_photo

QUALIFIED_ASSESSOR = "assessor@northgate.example"
BRIGHTWELL = "Workplace: Brightwell Retail"
HARBOUR = "Workplace: Harbour Housing contact centre"
CENTRE = "Training centre, Northgate"
REMOTE = "Remote (video call)"


class Portfolio:
    """One demo learner's registration, with the people who act on it and the criteria on their plan."""

    def __init__(self, context: dict, registration, countersignatory=None):
        self.context = context
        self.registration = registration
        self.learner = registration.learner
        self.assessor = registration.assessor
        self.countersignatory = countersignatory
        self.criteria = sorted(allowed_criteria(registration).values(), key=lambda c: (c.unit.reference, c.order))

    def unit(self, reference: str, outcomes: tuple[str, ...] = ()) -> list:
        """The criteria of a unit on the plan (only those of the given learning outcomes, if any)."""
        return [
            criterion
            for criterion in self.criteria
            if criterion.unit.reference == reference and (not outcomes or criterion.learning_outcome.number in outcomes)
        ]

    def first_of_each_unit(self, count: int, *, units: int = 2) -> list:
        """The first criteria of the first units on the plan."""
        by_unit: dict[int, list] = {}
        for criterion in self.criteria:
            by_unit.setdefault(criterion.unit_id, []).append(criterion)
        return [criterion for criteria in list(by_unit.values())[:units] for criterion in criteria[:count]]

    def add(self, author, *, title, days_ago, methods, location, description="", files=(), criteria=(), submit=True):
        evidence = create_evidence(
            actor=author,
            registration=self.registration,
            title=title,
            date=timezone.localdate() - dt.timedelta(days=days_ago),
            methods=methods,
            description=description,
            location=location,
            files=list(files),
        )
        self.context.setdefault("stored_files", []).extend(
            name for stored in evidence.files.all() for name in (stored.file.name, stored.thumbnail.name) if name
        )
        link_criteria(actor=author, evidence=evidence, add=[criterion.pk for criterion in criteria])
        if submit:
            submit_evidence(actor=author, evidence=evidence, declaration=author == self.learner)
        return evidence

    def judge(self, evidence, *, accept=(), reject=(), feedback="", mark_met=True) -> None:
        links = {link.criterion_id: link for link in EvidenceLink.objects.filter(evidence=evidence)}
        for criterion in accept:
            judge_link(actor=self.assessor, link=links[criterion.pk], accepted=True)
            if mark_met:
                try:
                    mark_criterion_met(actor=self.assessor, registration=self.registration, criterion=criterion)
                except AlreadyDone:
                    pass
        for criterion in reject:
            judge_link(actor=self.assessor, link=links[criterion.pk], accepted=False, feedback=feedback)

    def countersign_all(self, note: str = "") -> None:
        """The countersignatory confirms every judgement and decision of the trainee still awaiting them."""
        awaiting = CountersignStatus.AWAITING
        for link in EvidenceLink.objects.filter(evidence__registration=self.registration, countersign_status=awaiting):
            countersign_link(actor=self.countersignatory, link=link, confirm=True, note=note)
        for decision in CriterionDecision.objects.filter(registration=self.registration, countersign_status=awaiting):
            countersign_decision(actor=self.countersignatory, decision=decision, confirm=True, note=note)


# --- Grace Patel: both units complete ---------------------------------------------------------------------------


def _grace(p: Portfolio) -> None:
    delivery, environment = "J/600/1003", "J/600/0658"
    workbook = p.add(
        p.assessor,  # questioning is the assessor's record (a learner records only their own kinds of evidence)
        title="Workbook: the principles of customer service",
        days_ago=38,
        methods=["Q"],
        location=CENTRE,
        description="Grace's answers to the written questions on the principles of customer service and on how "
        "customers' needs and expectations are formed.",
        files=[
            demo_pdf(
                "Workbook - principles of customer service",
                ["Section 1: principles of customer service", "Section 2: customer needs and expectations"],
            )
        ],
        criteria=p.unit(delivery, ("1", "2")),
    )
    account = p.add(
        p.learner,
        title="Reflective account: a complaint about a late delivery",
        days_ago=30,
        methods=["RA"],
        location=BRIGHTWELL,
        description="A customer rang because her sofa had not arrived. I listened without interrupting, apologised "
        "and checked the order with the warehouse while she waited. I explained what had gone wrong and agreed a "
        "new delivery slot with her, then asked my supervisor to approve a goodwill voucher, which is above my "
        "authority. I worked with the warehouse team to make sure the slot was kept and called her back the next "
        "day to check she was happy.",
        criteria=p.unit(delivery, ("3", "4")),
    )
    discussion = p.add(
        p.assessor,
        title="Professional discussion: the law behind customer service",
        days_ago=25,
        methods=["PD"],
        location=REMOTE,
        description="40-minute professional discussion by video call, recorded with Grace's consent.\n\nGrace "
        "explained how consumer protection, data protection, equality and health and safety law shape what she "
        "does at work, with examples from the store: checking identity before discussing an order, keeping "
        "customer records locked away and making the fitting rooms accessible.",
        criteria=p.unit(delivery, ("5",)),
    )
    observation = p.add(
        p.assessor,
        title="Observation: serving customers on the shop floor",
        days_ago=20,
        methods=["Obs", "Q"],
        location=BRIGHTWELL,
        description="Observed two hours on the shop floor and at the tills during a busy Saturday.\n\nGrace greeted "
        "each customer within a minute, found out what they needed with open questions and kept them informed "
        "when she had to check stock. She dealt calmly with a customer whose card was declined.\n\nQ: How do "
        "you know a customer is satisfied?\nA: I ask them, and I watch their body language; if I am not sure I "
        "check before they leave.",
        criteria=p.unit(environment, ("1", "2", "3")),
    )
    development = p.add(
        p.learner,
        title="My development plan and customer feedback",
        days_ago=12,
        methods=["PE", "RA"],
        location=BRIGHTWELL,
        description="My personal development plan agreed with my supervisor, the customer feedback cards I "
        "collected last month and what I changed because of them.",
        files=[
            demo_pdf("Personal development plan", ["Goal 1: product knowledge", "Goal 2: handling complaints"]),
            demo_photo("Customer feedback cards"),
        ],
        criteria=p.unit(environment, ("4",)),
    )
    for evidence, outcomes in [
        (workbook, p.unit(delivery, ("1", "2"))),
        (account, p.unit(delivery, ("3", "4"))),
        (discussion, p.unit(delivery, ("5",))),
        (observation, p.unit(environment, ("1", "2", "3"))),
        (development, p.unit(environment, ("4",))),
    ]:
        p.judge(evidence, accept=outcomes)
    p.countersign_all("Agreed: the evidence is valid, authentic, current and sufficient.")


# --- Liam Walsh: one unit complete, others in progress --------------------------------------------------------


def _liam_complete_unit(p: Portfolio) -> None:
    rules = "L/601/1614"
    observation = p.add(
        p.assessor,
        title="Observation: following the store's service procedures",
        days_ago=60,
        methods=["Obs", "Q"],
        location=BRIGHTWELL,
        description="Observed Liam for an hour at the customer service desk. He followed the returns procedure "
        "step by step, checked the customer's receipt and identity as the policy requires, and recorded each "
        "refund in the log.\n\nQ: What would you do if a customer's request was outside your authority?\nA: I "
        "would explain what I can do, then pass it to my supervisor and tell the customer when they will hear "
        "back.",
        criteria=p.unit(rules, ("1",)),
    )
    answers = p.add(
        p.assessor,
        title="Written answers: the rules of customer service",
        days_ago=55,
        methods=["Q"],
        location=CENTRE,
        description="Liam's answers to the questions on the organisation's procedures, the law and his own authority.",
        files=[demo_pdf("Written answers - rules of customer service", ["Questions 2.1 to 2.10"])],
        criteria=p.unit(rules, ("2",)),
    )
    p.judge(observation, accept=p.unit(rules, ("1",)))
    p.judge(answers, accept=p.unit(rules, ("2",)))


def _liam_in_progress(p: Portfolio) -> None:
    criteria = p.first_of_each_unit(3)
    first = p.add(
        p.learner,
        title="Photos of my customer service station and my service log",
        days_ago=40,
        methods=["PE", "RA"],
        location=BRIGHTWELL,
        description="The photo shows how I keep the service desk ready for customers. The log records the queries "
        "I dealt with over two weeks and how each was resolved.",
        files=[
            demo_photo("Service desk, ready for opening"),
            demo_pdf("Customer service log", ["Week 1: 23 queries", "Week 2: 31 queries"]),
        ],
        criteria=criteria[:4],
    )
    p.judge(
        first,
        accept=criteria[:3],
        reject=criteria[3:4],
        feedback="The log shows the queries but not how you checked the customers were satisfied. Add the "
        "follow-up notes for at least three customers.",
    )
    observation = p.add(
        p.assessor,
        title="Observation: dealing with customers at the service desk",
        days_ago=20,
        methods=["Obs", "Q"],
        location=BRIGHTWELL,
        description="Observed 45 minutes at the service desk. Liam greeted each customer promptly, checked their "
        "needs with open questions and followed the organisation's procedures.",
        criteria=criteria[4:5],
    )
    p.judge(observation, accept=criteria[4:5])
    p.add(
        p.learner,
        title="Reflective account: a difficult complaint",
        days_ago=5,
        methods=["RA"],
        location=BRIGHTWELL,
        description="A customer complained that their order was late. I listened, apologised, checked the order "
        "and arranged next-day delivery. Next time I would call the warehouse before promising a date.",
        criteria=criteria[5:6],
    )
    if not p.registration.witness_invitations.exists():
        _invitation, token = invite_witness(
            actor=p.learner,
            registration=p.registration,
            name="Dana Reid",
            job_title="Store manager",
            relationship="Line manager",
            email="dana.reid@example.com",
            note="Please describe how Liam handled customers during the Saturday sale.",
        )
        p.context["logins"].append(("(witness link)", f"Witness testimony for Liam Walsh: {testimony_url(token)}"))


# --- Sophie Turner: a unit awaiting the countersignatory ------------------------------------------------------


def _sophie_complete_unit(p: Portfolio) -> None:
    customers = p.unit("J/617/6433")
    account = p.add(
        p.learner,
        title="Reflective account: who my customers are",
        days_ago=40,
        methods=["RA"],
        location=BRIGHTWELL,
        description="Our external customers are the people who shop with us; our internal customers are the "
        "warehouse and the delivery team, who rely on me for accurate orders. Customers need different things: an "
        "older customer with a hearing aid needs me to face him and speak clearly; a parent with a buggy needs the "
        "wide aisle and the lift. When the store is busy I keep explanations short but still check the customer "
        "has what they need.",
        criteria=customers,
    )
    p.judge(account, accept=customers)
    p.countersign_all("Agreed.")


def _sophie_awaiting_countersignature(p: Portfolio) -> None:
    organisation = p.unit("L/617/6434")[:2]
    notes = p.add(
        p.learner,
        title="Our aims and brand promise: notes from my induction",
        days_ago=10,
        methods=["PE", "RA"],
        location=CENTRE,
        description="My notes from the induction session on the company's aims and what our brand promise means.",
        files=[demo_photo("Induction notes")],
        criteria=organisation,
    )
    # The trainee's judgement and "met" both wait for the qualified assessor's countersignature.
    p.judge(notes, accept=organisation)


# --- Learners just starting -------------------------------------------------------------------------------------


def _jacob_first_evidence(p: Portfolio) -> None:
    p.add(
        p.learner,
        title="Reflective account: answering customers by email",
        days_ago=6,
        methods=["RA"],
        location=HARBOUR,
        description="Most of my work is answering tenants' emails about repairs. I explain how I check who the "
        "customer is, how I adapt my writing for each tenant and when I pass a query to the repairs team.",
        criteria=p.unit("J/617/6433", ("K1",)),
    )


def _olivia_first_evidence(p: Portfolio) -> None:
    p.add(
        p.learner,
        title="Reflective account: my first month on reception",
        days_ago=8,
        methods=["RA"],
        location="Workplace: Riverside Hotel reception",
        description="What I learned about good customer service in my first month on the hotel's reception desk.",
        criteria=p.unit("J/600/1003", ("1",))[:3],
    )


Piece = tuple[str, str, Callable[[Portfolio], None]]


def _jacob_rpl(p: Portfolio) -> None:
    """An RPL claim for two criteria of Jacob's first unit: one accepted, one rejected; the IQA agrees."""
    criteria = p.first_of_each_unit(2, units=1)
    claim = claim_rpl(
        actor=p.assessor,
        registration=p.registration,
        title="RPL: Level 1 Award in Customer Service (2021)",
        date=timezone.localdate() - dt.timedelta(days=150),
        prior_learning="Level 1 Award in Customer Service, achieved at Northgate College in June 2021. Original "
        "certificate and unit transcript seen and copied; the units match the first two criteria.",
        criteria=[criterion.pk for criterion in criteria],
    )
    claim = decide_rpl(
        actor=p.assessor,
        claim=claim,
        accepted=[criteria[0].pk],
        note=f"{criteria[0].code} is met by the 2021 unit, still current in his role. {criteria[1].code} asks for "
        "work with today's procedures: not met by the 2021 award, to be evidenced at work.",
    )
    check_rpl(
        actor=p.registration.iqa,
        claim=claim,
        outcome="agree",
        note="Certificate and transcript seen; the decision is sound.",
    )


# --- Ethan Brooks: one unit of his Award complete ----------------------------------------------------------------


def _ethan_complete_unit(p: Portfolio) -> None:
    unit = "F/617/5412"
    observation = p.add(
        p.assessor,
        title="Observation and questions: helping customers at the sports centre",
        days_ago=40,
        methods=["Obs", "Q"],
        location="Workplace: Northgate Leisure Centre (work placement)",
        description="Observed Ethan on the reception desk of his work placement for forty minutes: he greeted each "
        "customer, found out what they needed and helped them or passed them on. Questions and his answers "
        "recorded at the end.",
        criteria=p.unit(unit),
    )
    p.judge(observation, accept=p.unit(unit))


# learner, title of the piece's first evidence (its key: present means done), what to add. In this order.
PIECES: list[Piece] = [
    ("learner4@northgate.example", "Workbook: the principles of customer service", _grace),
    ("learner1@northgate.example", "Observation: following the store's service procedures", _liam_complete_unit),
    ("learner1@northgate.example", "Photos of my customer service station and my service log", _liam_in_progress),
    ("learner2@northgate.example", "Reflective account: who my customers are", _sophie_complete_unit),
    (
        "learner2@northgate.example",
        "Our aims and brand promise: notes from my induction",
        _sophie_awaiting_countersignature,
    ),
    ("learner3@northgate.example", "Reflective account: answering customers by email", _jacob_first_evidence),
    ("learner1@southbank.example", "Reflective account: my first month on reception", _olivia_first_evidence),
    ("learner3@northgate.example", "RPL: Level 1 Award in Customer Service (2021)", _jacob_rpl),
    (
        "learner5@northgate.example",
        "Observation and questions: helping customers at the sports centre",
        _ethan_complete_unit,
    ),
]


def _jacob_extra_time(context: dict, registration) -> None:
    """An approved reasonable adjustment, with its supporting letter, for the judging page, sheets and EQA pack."""
    what = "25% extra time for written questions, and questions read aloud on request"
    if Adjustment.objects.filter(registration=registration, what=what).exists():
        return
    admin = context["users"]["admin@northgate.example"]
    adjustment = request_adjustment(
        actor=registration.assessor,
        registration=registration,
        kind=Adjustment.Kind.REASONABLE_ADJUSTMENT,
        what=what,
        why="Jacob has dyslexia, confirmed by the college's learning support assessment in September.",
        assessments="written questions",
        files=[demo_pdf("Learning support assessment", ["Dyslexia: extra time and a reader recommended"])],
    )
    context.setdefault("stored_files", []).extend(stored.file.name for stored in adjustment.files.all())
    decide_adjustment(
        actor=admin, adjustment=adjustment, approve=True, adjusted="25% extra time on written questions; a reader"
    )


def seed(context: dict) -> None:
    registrations = context.get("registrations") or {}
    countersignatory = context.get("users", {}).get(QUALIFIED_ASSESSOR)
    for learner_email, key_title, add_piece in PIECES:
        registration = registrations.get(learner_email)
        if registration is None or Evidence.objects.filter(registration=registration, title=key_title).exists():
            continue
        registration.refresh_from_db()
        add_piece(Portfolio(context, registration, countersignatory))
    jacob = registrations.get("learner3@northgate.example")
    if jacob is not None:
        _jacob_extra_time(context, jacob)
