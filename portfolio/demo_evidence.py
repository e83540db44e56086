"""Demo evidence (see `manage.py seed_demo`): photos and PDFs made in code, links to criteria, the assessor's
judgements and met criteria, a trainee's decision awaiting countersignature and a witness invitation. Made
through the services, so the history reads like a real portfolio's. Idempotent: a portfolio that already holds
evidence is left alone."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from .models import Evidence, EvidenceLink
from .services.checks import allowed_criteria
from .services.evidence import create_evidence, link_criteria, submit_evidence
from .services.judgement import judge_link, mark_criterion_met
from .services.witness import invite_witness, testimony_url


def demo_photo(label: str) -> SimpleUploadedFile:
    image = Image.new("RGB", (640, 480), (233, 240, 248))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 600, 440), outline=(13, 110, 253), width=6)
    draw.text((70, 220), label, fill=(33, 37, 41))
    output = io.BytesIO()
    image.save(output, format="JPEG", quality=85)
    return SimpleUploadedFile("IMG_0001.jpg", output.getvalue(), content_type="image/jpeg")


def demo_pdf(title: str, lines: list[str]) -> SimpleUploadedFile:
    """A one-page PDF written by hand: enough for a reader to open, no libraries needed."""
    text = " ".join(f"({line.replace('(', '[').replace(')', ']')}) Tj T*" for line in [title, "", *lines])
    stream = f"BT /F1 12 Tf 14 TL 72 720 Td {text} ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    output = io.BytesIO()
    output.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(output.tell())
        output.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = output.tell()
    output.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        output.write(f"{offset:010d} 00000 n \n".encode())
    output.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    name = title.lower().replace(" ", "-")[:40] + ".pdf"
    return SimpleUploadedFile(name, output.getvalue(), content_type="application/pdf")


def _criteria(registration, count: int, *, units: int = 2) -> list:
    """The first criteria of the first units on the plan."""
    by_unit: dict[int, list] = {}
    for criterion in sorted(allowed_criteria(registration).values(), key=lambda c: (c.unit.reference, c.order)):
        by_unit.setdefault(criterion.unit_id, []).append(criterion)
    chosen = []
    for criteria in list(by_unit.values())[:units]:
        chosen.extend(criteria[:count])
    return chosen


def _add(registration, author, *, title, days_ago, methods, description="", files=(), criteria=(), submit=True):
    evidence = create_evidence(
        actor=author,
        registration=registration,
        title=title,
        date=timezone.localdate() - dt.timedelta(days=days_ago),
        methods=methods,
        description=description,
        files=list(files),
    )
    link_criteria(actor=author, evidence=evidence, add=[criterion.pk for criterion in criteria])
    if submit:
        submit_evidence(actor=author, evidence=evidence, declaration=True)
    return evidence


def _judge(evidence, assessor, *, accept=(), reject=(), feedback="", mark_met=True):
    links = {link.criterion_id: link for link in EvidenceLink.objects.filter(evidence=evidence)}
    for criterion in accept:
        judge_link(actor=assessor, link=links[criterion.pk], accepted=True)
        if mark_met:
            mark_criterion_met(actor=assessor, registration=evidence.registration, criterion=criterion)
    for criterion in reject:
        judge_link(actor=assessor, link=links[criterion.pk], accepted=False, feedback=feedback)


def _seed_liam(registration, learner, assessor, context) -> None:
    criteria = _criteria(registration, 3)
    first = _add(
        registration,
        learner,
        title="Photos of my customer service station and my service log",
        days_ago=40,
        methods=["PE", "RA"],
        description="The photo shows how I keep the service desk ready for customers. The log records the queries "
        "I dealt with over two weeks and how each was resolved.",
        files=[
            demo_photo("Service desk, ready for opening"),
            demo_pdf("Customer service log", ["Week 1: 23 queries", "Week 2: 31 queries"]),
        ],
        criteria=criteria[:4],
    )
    _judge(
        first,
        assessor,
        accept=criteria[:3],
        reject=criteria[3:4],
        feedback="The log shows the queries but not how you checked the customers were satisfied. Add the "
        "follow-up notes for at least three customers.",
    )
    observation = _add(
        registration,
        assessor,
        title="Observation: dealing with customers at the service desk",
        days_ago=20,
        methods=["Obs", "Q"],
        description="Observed 45 minutes at the service desk. Liam greeted each customer promptly, checked their "
        "needs with open questions and followed the organisation's procedures.\n\nQ: What would you do if a "
        "customer's request was outside your authority?\nA: I would explain what I can do, then pass it to my "
        "supervisor and tell the customer when they will hear back.",
        criteria=criteria[4:5],
    )
    _judge(observation, assessor, accept=criteria[4:5])
    _add(
        registration,
        learner,
        title="Reflective account: a difficult complaint",
        days_ago=5,
        methods=["RA"],
        description="A customer complained that their order was late. I listened, apologised, checked the order "
        "and arranged next-day delivery. Next time I would call the warehouse before promising a date.",
        criteria=criteria[5:6],
    )
    if not registration.witness_invitations.exists():
        _invitation, token = invite_witness(
            actor=learner,
            registration=registration,
            name="Dana Reid",
            job_title="Store manager",
            relationship="Line manager",
            email="dana.reid@example.com",
            note="Please describe how Liam handled customers during the Saturday sale.",
        )
        context["logins"].append(("(witness link)", f"Witness testimony for Liam Walsh: {testimony_url(token)}"))


def _seed_trainee_decision(registration, learner, trainee) -> None:
    criteria = _criteria(registration, 1, units=1)
    evidence = _add(
        registration,
        learner,
        title="Customer feedback cards",
        days_ago=10,
        methods=["PE"],
        description="Five feedback cards from customers I served last month.",
        files=[demo_photo("Feedback cards")],
        criteria=criteria,
    )
    # The trainee's judgement and "met" both wait for the qualified assessor's countersignature.
    _judge(evidence, trainee, accept=criteria)


def seed(context: dict) -> None:
    registrations = context.get("registrations")
    users = context.get("users")
    if not registrations or not users:
        return
    plan = [
        ("learner1@northgate.example", "assessor@northgate.example", _seed_liam),
        ("learner4@northgate.example", "trainee@northgate.example", None),
    ]
    for learner_email, assessor_email, seeder in plan:
        registration = registrations.get(learner_email)
        learner, assessor = users.get(learner_email), users.get(assessor_email)
        if registration is None or learner is None or assessor is None:
            continue
        if registration.assessor_id != assessor.pk or Evidence.objects.filter(registration=registration).exists():
            continue
        if seeder is not None:
            seeder(registration, learner, assessor, context)
        else:
            _seed_trainee_decision(registration, learner, assessor)
