"""A world with one of every object a URL can name, all in the learner's registration at Northgate.

Built straight through the ORM (no services) so that it does not depend on the rules it is used to test:
evidence with a stored file, a link and a decision, a witness invitation, a unit sign-off with the learner's
signature, a unit carried over from another registration of the learner, an export job, an IQA sampling plan
with a sample and an action, a trainee IQA's sample awaiting the countersignature of `iqa`, an EQA share (to
`eqa`) and an EQA linked to the centre with no share (`eqa_unshared`), an EQA comment, a certification claim,
and a standardisation activity still open for judging (set for `assessor`, who has submitted, and `trainee`,
who has not).
"""

import datetime as dt
import hashlib
import secrets
from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.utils import timezone

from centres.models import CompetenceStatus, EqaLink, Invitation, Role
from portfolio.models import (
    Adjustment,
    AdjustmentFile,
    CountersignStatus,
    CriterionDecision,
    EqaShare,
    EqaShareItem,
    Evidence,
    EvidenceFile,
    EvidenceLink,
    OccupationalCompetence,
    RplClaim,
    WitnessInvitation,
)
from qualifications.models import AssessmentMethod
from tests.factories import build_world, make_registration, make_staff, make_user
from tests.samples import pdf_bytes

# The smallest valid PNG: 1x1 transparent pixel.
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000005000157a4d2a70000000049454e44ae426082"
)
PDF_1PAGE = pdf_bytes("Assessment plan")


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def build_scenario() -> SimpleNamespace:
    w = build_world()
    s = SimpleNamespace(**vars(w))
    today = timezone.localdate()
    now = timezone.now()
    registration = w.registration
    plan = list(registration.plan.select_related("unit").order_by("unit__reference"))
    s.unit = plan[0].unit
    s.registration_unit = plan[0]
    s.criterion = s.unit.criteria.order_by("id").first()
    s.other_centre_unit = w.other_centre_registration.plan.select_related("unit").first().unit
    s.trainee_unit = w.trainee_registration.plan.select_related("unit").order_by("unit__reference").first().unit

    s.evidence = Evidence.objects.create(
        registration=registration,
        reference=1,
        title="Customer complaint log",
        date=today - dt.timedelta(days=3),
        description="Three complaints handled.",
        author=w.learner,
        status=Evidence.Status.SUBMITTED,
        submitted_at=now,
        declared_own_work_at=now,
    )
    s.draft_evidence = Evidence.objects.create(
        registration=registration, reference=2, title="Draft reflective account", date=today, author=w.learner
    )
    registration.next_evidence_reference = 3
    registration.save(update_fields=["next_evidence_reference"])
    s.evidence.methods.set(AssessmentMethod.objects.filter(code__in=["PE"]))
    s.evidence_file = EvidenceFile(
        evidence=s.evidence,
        original_name="photo.png",
        content_type="image/png",
        size=len(PNG_1PX),
        sha256=hashlib.sha256(PNG_1PX).hexdigest(),
        uploaded_by=w.learner,
    )
    s.evidence_file.file.save("matrix-photo.png", ContentFile(PNG_1PX), save=False)
    s.evidence_file.thumbnail.save("matrix-thumb.png", ContentFile(PNG_1PX), save=False)
    s.evidence_file.thumbnail_sha256 = s.evidence_file.sha256
    s.evidence_file.save()
    # A PDF whose one-page preview has been drawn (portfolio.previews), for the page image's URL.
    s.pdf_file = EvidenceFile(
        evidence=s.evidence,
        original_name="plan.pdf",
        content_type="application/pdf",
        size=len(PDF_1PAGE),
        sha256=hashlib.sha256(PDF_1PAGE).hexdigest(),
        uploaded_by=w.learner,
        preview=EvidenceFile.Preview.READY,
        page_count=1,
    )
    s.pdf_file.file.save("matrix-plan.pdf", ContentFile(PDF_1PAGE), save=False)
    page_name = s.pdf_file.file.storage.save("evidence/matrix-plan-page-1.png", ContentFile(PNG_1PX))
    s.pdf_file.preview_pages = [
        {"name": page_name, "sha256": hashlib.sha256(PNG_1PX).hexdigest(), "width": 1, "height": 1}
    ]
    s.pdf_file.save()
    s.link = EvidenceLink.objects.create(evidence=s.evidence, criterion=s.criterion)
    s.decision = CriterionDecision.objects.create(
        registration=registration, criterion=s.criterion, met_on=today, decided_by=w.assessor
    )
    # The trainee assessor's judgement, waiting for the countersignature of their supervisor (`assessor`).
    trainee_criterion = w.trainee_registration.plan.first().unit.criteria.order_by("id").first()
    s.trainee_evidence = Evidence.objects.create(
        registration=w.trainee_registration,
        reference=1,
        title="Observation of a refund",
        date=today - dt.timedelta(days=2),
        author=w.trainee_registration.learner,
        status=Evidence.Status.SUBMITTED,
        submitted_at=now,
    )
    s.trainee_link = EvidenceLink.objects.create(
        evidence=s.trainee_evidence,
        criterion=trainee_criterion,
        status=EvidenceLink.Status.ACCEPTED,
        judged_by=w.trainee,
        judged_at=now,
        countersign_status=CountersignStatus.AWAITING,
    )
    s.witness_token = secrets.token_urlsafe(32)
    s.invitation_token = secrets.token_urlsafe(32)
    s.witness = WitnessInvitation.objects.create(
        registration=registration,
        invited_by=w.learner,
        name="Wendy Witness",
        job_title="Shift manager",
        relationship="Line manager",
        email="wendy@example.test",
        token_hash=_sha(s.witness_token),
        expires_at=now + dt.timedelta(days=7),
    )
    s.invitation = Invitation.objects.create(
        user=make_user(full_name="Ivan Invited"),
        centre=w.centre,
        kind=Invitation.Kind.LEARNER,
        token_hash=_sha(s.invitation_token),
        created_by=w.admin,
        expires_at=now + dt.timedelta(days=7),
    )

    s.adjustment = Adjustment.objects.create(
        registration=registration,
        kind=Adjustment.Kind.REASONABLE_ADJUSTMENT,
        what="Extra time",
        why="Dyslexia",
        requested_by=w.assessor,
    )
    s.adjustment_file = AdjustmentFile(
        adjustment=s.adjustment,
        original_name="assessment-report.png",
        content_type="image/png",
        size=len(PNG_1PX),
        sha256=hashlib.sha256(PNG_1PX).hexdigest(),
        uploaded_by=w.assessor,
    )
    s.adjustment_file.file.save("matrix-report.png", ContentFile(PNG_1PX), save=False)
    s.adjustment_file.save()

    s.share = EqaShare.objects.create(
        centre=w.centre,
        eqa=w.eqa,
        starts_on=today - dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=30),
        created_by=w.admin,
    )
    EqaShareItem.objects.create(share=s.share, registration=registration)
    s.eqa_shared = w.eqa
    s.eqa_unshared = make_user(full_name="Ursula Unshared")
    EqaLink.objects.create(user=s.eqa_unshared, centre=w.centre)

    _tracking(s)
    _quality(s)
    _planning(s)
    _observations(s)
    _apprenticeship(s, today)
    return s


def _observations(s: SimpleNamespace) -> None:
    from observations.models import AssessmentRecord

    # An observation the learner is to confirm in their own account.
    s.observation_record = AssessmentRecord.objects.create(
        evidence=s.evidence,
        registration=s.registration,
        kind=AssessmentRecord.Kind.OBSERVATION,
        assessor=s.assessor,
        confirmation=AssessmentRecord.Confirmation.LATER,
        content_hash=_sha("observation record"),
    )
    _notifications(s)
    return s


def _notifications(s: SimpleNamespace) -> None:
    from notifications.email import unsubscribe_token
    from notifications.models import Notification

    # The learner's own notification: only they may open or mark it; to everyone else it does not exist.
    s.notification = Notification.objects.create(
        recipient=s.learner, centre=s.centre, kind="evidence_judged", title="Evidence E1 was judged", url="/"
    )
    s.unsubscribe_token = unsubscribe_token(s.learner, ["evidence_judged"])


def _tracking(s: SimpleNamespace) -> None:
    from tracking.models import CarriedOverUnit, ExportJob, Signature, SignatureRole, UnitSignOff

    s.sign_off = UnitSignOff.objects.create(registration=s.registration, unit=s.unit)
    s.signature = Signature.objects.create(
        sign_off=s.sign_off,
        role=SignatureRole.LEARNER,
        user=s.learner,
        name_at_signing=s.learner.full_name,
        content_hash="0" * 64,
    )
    # The learner's second unit carried over from its sign-off in another registration of theirs at the centre.
    source = make_registration(
        s.centre, s.learner, assessor=s.assessor, iqa=s.iqa, qualification=s.registration.qualification
    )
    s.carried_unit = s.registration.plan.exclude(unit=s.unit).order_by("unit__reference").first().unit
    source_sign_off = UnitSignOff.objects.create(registration=source, unit=s.carried_unit)
    source_signature = Signature.objects.create(
        sign_off=source_sign_off,
        role=SignatureRole.ASSESSOR,
        user=s.assessor,
        name_at_signing=s.assessor.full_name,
        content_hash="1" * 64,
    )
    s.carry = CarriedOverUnit.objects.create(
        registration=s.registration,
        unit=s.carried_unit,
        source_sign_off=source_sign_off,
        source_signature=source_signature,
        carried_by=s.assessor,
    )
    s.job = ExportJob.objects.create(
        kind="registration_pdf",
        params={
            "registration_id": s.registration.pk,
            "unit_ids": sorted(s.registration.plan.values_list("unit_id", flat=True)),
        },
        centre=s.centre,
        created_by=s.assessor,
        status=ExportJob.Status.DONE,
        result_name="portfolio.pdf",
    )
    s.job.result.save("matrix-job.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)


def _quality(s: SimpleNamespace) -> None:
    from quality.models import Action, CertificationClaim, EqaComment, Outcome, SampleKind, SampleRecord, SamplingPlan

    today = timezone.localdate()
    s.plan = SamplingPlan.objects.create(
        centre=s.centre,
        qualification=s.registration.qualification,
        iqa=s.iqa,
        period_start=today - dt.timedelta(days=30),
        period_end=today + dt.timedelta(days=60),
        created_by=s.iqa,
    )
    s.sample = SampleRecord.objects.create(
        plan=s.plan,
        registration=s.registration,
        kind=SampleKind.INTERIM,
        iqa=s.iqa,
        assessor=s.assessor,
        location="Workplace",
        outcome=Outcome.AGREE_WITH_ACTIONS,
        feedback="Good, but record questioning.",
    )
    s.action = Action.objects.create(
        sample=s.sample, assessor=s.assessor, text="Record questions asked.", due_on=today + dt.timedelta(days=14)
    )
    # An IQA working towards their IQA award, countersigned by `iqa`, and their sample waiting for it.
    s.trainee_iqa = make_staff(s.centre, Role.IQA, status=CompetenceStatus.WORKING_TOWARDS, countersignatory=s.iqa)
    s.trainee_sample = SampleRecord.objects.create(
        plan=s.plan,
        registration=s.registration,
        kind=SampleKind.INTERIM,
        iqa=s.trainee_iqa,
        assessor=s.assessor,
        location="Workplace",
        outcome=Outcome.AGREE,
        feedback="Clear decisions.",
        countersign_status=CountersignStatus.AWAITING,
    )
    # An RPL claim waiting for the assessor's decision, and one decided, waiting for the IQA's check.
    s.rpl_claim = RplClaim.objects.create(
        registration=s.registration, evidence=s.evidence, prior_learning="NVQ Level 2 (2018).", created_by=s.assessor
    )
    s.decided_rpl_claim = RplClaim.objects.create(
        registration=s.registration,
        evidence=s.draft_evidence,
        prior_learning="Five years in a call centre.",
        created_by=s.assessor,
        decided_by=s.assessor,
        decided_at=timezone.now(),
        decision_note="Certificate seen.",
    )
    # An unverified competence record of the other assessor, for the centre admin to verify.
    s.competence = OccupationalCompetence.objects.filter(centre=s.centre, user=s.other_assessor).first()
    _standardisation(s)
    s.comment = EqaComment.objects.create(share=s.share, registration=s.registration, eqa=s.eqa, text="Seen.")
    s.claim = CertificationClaim.objects.create(
        registration=s.other_registration, kind=CertificationClaim.Kind.UNIT, claimed_by=s.admin
    )


def _standardisation(s: SimpleNamespace) -> None:
    from quality.models import (
        StandardisationActivity,
        StandardisationCriterion,
        StandardisationJudgement,
        StandardisationParticipant,
        Verdict,
    )

    s.activity = StandardisationActivity.objects.create(
        centre=s.centre,
        qualification=s.registration.qualification,
        unit=s.unit,
        title="Matrix standardisation",
        evidence=s.evidence,
        iqa=s.iqa,
    )
    item = StandardisationCriterion.objects.create(activity=s.activity, criterion=s.criterion)
    submitted = StandardisationParticipant.objects.create(
        activity=s.activity, assessor=s.assessor, submitted_at=timezone.now()
    )
    StandardisationParticipant.objects.create(activity=s.activity, assessor=s.trainee)
    StandardisationJudgement.objects.create(
        participant=submitted, criterion=item, verdict=Verdict.MET, rationale="Shown in the log."
    )


def _planning(s: SimpleNamespace) -> None:
    """An assessment plan (version 1, one item) for the learner, a visit to them, and the learner's calendar feed."""
    from planning.models import AssessmentPlan, CalendarFeed, PlanItem, PlanVersion, Visit

    s.assessment_plan = AssessmentPlan.objects.create(
        registration=s.registration, title="Matrix plan", created_by=s.assessor
    )
    version = PlanVersion.objects.create(plan=s.assessment_plan, number=1, created_by=s.assessor)
    plan_item = PlanItem.objects.create(
        version=version, position=1, activity="Observe", recorded_by="assessor", due_on=timezone.localdate()
    )
    plan_item.criteria.set([s.criterion])
    s.visit = Visit.objects.create(
        centre=s.centre,
        assessor=s.assessor,
        date=timezone.localdate(),
        starts_at=dt.time(10, 0),
        ends_at=dt.time(11, 0),
        place="Store",
        purpose="Observation",
    )
    s.visit.registrations.set([s.registration])
    s.feed_token = CalendarFeed.objects.create(user=s.learner, token=secrets.token_urlsafe(32)).token


def _apprenticeship(s, today) -> None:
    """The learner's registration as an apprenticeship with Harbour Hotels (contact `employer`, `employer_contact`):
    a training plan, a recorded review, an OTJ entry, an open break in learning (`break_in_learning`) and an employer
    link to sign the review (`employer_token`). The centre lets employers see evidence, so that the employer contact
    may open the learner's evidence file."""
    from apprenticeships.models import (
        Apprenticeship,
        BreakInLearning,
        CentreApprenticeshipSettings,
        Employer,
        EmployerContact,
        EmployerLink,
        OtjEntry,
        ProgressReview,
        TrainingPlan,
    )

    CentreApprenticeshipSettings.objects.create(centre=s.centre, employers_see_evidence=True)
    employer = Employer.objects.create(centre=s.centre, name="Harbour Hotels")
    s.employer = make_user(full_name="Erin Employer")
    contact = s.employer_contact = EmployerContact.objects.create(employer=employer, user=s.employer)
    start = today - dt.timedelta(days=100)
    s.apprenticeship = Apprenticeship.objects.create(
        registration=s.registration,
        standard_reference="ST0072",
        standard_title="Customer service practitioner",
        standard_level=2,
        typical_duration_months=12,
        employer=employer,
        workplace="Quay Street",
        employer_contact=contact,
        planned_start=start,
        planned_end=start + dt.timedelta(days=400),
        practical_period_start=start,
        practical_period_end=start + dt.timedelta(days=365),
        planned_otj_hours=280,
    )
    s.training_plan = TrainingPlan.objects.create(
        apprenticeship=s.apprenticeship, employer=employer, content={"a": 1}, content_hash=_sha("plan")
    )
    s.review = ProgressReview.objects.create(
        apprenticeship=s.apprenticeship, due_on=today, held_on=today, targets_set="T", content_hash=_sha("review")
    )
    s.otj_entry = OtjEntry.objects.create(
        apprenticeship=s.apprenticeship,
        date=today - dt.timedelta(days=3),
        hours=3,
        activity_type="theory",
        description="Workshop",
        recorded_by=s.learner,
    )
    s.break_in_learning = BreakInLearning.objects.create(
        apprenticeship=s.apprenticeship,
        starts_on=today - dt.timedelta(days=1),
        reason="Illness",
        recorded_by=s.assessor,
    )
    s.employer_token = secrets.token_urlsafe(16)
    EmployerLink.objects.create(
        review=s.review,
        email=s.employer.email,
        token_hash=_sha(s.employer_token),
        content_hash=s.review.content_hash,
        created_by=s.assessor,
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
