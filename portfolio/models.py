"""The learner's portfolio: registrations, evidence and its files, links to criteria and the assessor's decisions."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from centres.models import Centre, Role
from qualifications.models import AssessmentCriterion, AssessmentMethod, Pathway, Qualification, Unit
from qualifications.spec_rules import SIMULATION


class RegistrationQuerySet(models.QuerySet):
    def awaiting_identity_check(self):
        """Active registrations whose learner's identity nobody has recorded as checked: until it is, no criterion
        is marked met, no unit signed by the assessor and no certificate claimed."""
        return self.filter(status=Registration.Status.ACTIVE, id_checked_on__isnull=True)

    def with_assessor_membership(self):
        """Each registration with `assessor_membership`: the assessor's active assessor membership at the
        registration's centre (None without one), with its countersignatory, read in the same query (sign-off
        asks whether the assessor's work needs countersigning; see tracking.selectors)."""
        membership = models.FilteredRelation(
            "assessor__memberships",
            condition=models.Q(
                assessor__memberships__centre=models.F("centre"),
                assessor__memberships__role=Role.ASSESSOR,
                assessor__memberships__is_active=True,
            ),
        )
        return self.annotate(assessor_membership=membership).select_related(
            "assessor", "assessor_membership__countersignatory"
        )


class Registration(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        WITHDRAWN = "withdrawn", "Withdrawn"
        COMPLETED = "completed", "Completed"

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="registrations")
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="registrations")
    qualification = models.ForeignKey(Qualification, on_delete=models.PROTECT, related_name="registrations")
    pathway = models.ForeignKey(Pathway, null=True, blank=True, on_delete=models.PROTECT, related_name="registrations")
    units = models.ManyToManyField(Unit, through="RegistrationUnit", related_name="registrations")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessed_registrations"
    )
    iqa = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="iqa_registrations")
    # Who delivers (teaches) the learner: recorded so that the IQA is independent of delivery too.
    tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="tutored_registrations"
    )
    date_of_birth = models.DateField()
    uln = models.CharField("unique learner number", max_length=10, blank=True)
    awarding_body_registration_number = models.CharField(max_length=50, blank=True)
    start_date = models.DateField()
    planned_end_date = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_reason = models.TextField(blank=True)
    id_document_type = models.CharField("identity document", max_length=100, blank=True)
    id_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="identity_checks"
    )
    id_checked_on = models.DateField(null=True, blank=True)
    id_details = models.CharField(
        "identity check details",
        max_length=300,
        blank=True,
        help_text="Which card was seen, or the third-party representative's name and role.",
    )
    next_evidence_reference = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["centre", "status"]),
            models.Index(fields=["assessor", "status"]),
            # A sampling plan's learners; which qualifications a centre has learners on.
            models.Index(fields=["qualification", "centre", "iqa"]),
        ]

    def __str__(self) -> str:
        return f"{self.learner} – {self.qualification.title}"

    @property
    def identity_confirmed(self) -> bool:
        return self.id_checked_on is not None


class CompetenceQuerySet(models.QuerySet):
    def covering(self, *, centre, user, qualification):
        """The records that make `user` occupationally competent for `qualification` at `centre`."""
        return self.filter(centre=centre, user=user, qualification=qualification)


class OccupationalCompetence(models.Model):
    """A staff member's occupational competence for one qualification at a centre (here, not in centres, because
    it joins the centre's people to the catalogue): their sector experience and
    the evidence of it, and who at the centre verified it. Assessors and IQAs are assigned only to
    qualifications they have one for."""

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="competences")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="competences")
    qualification = models.ForeignKey(Qualification, on_delete=models.PROTECT, related_name="staff_competences")
    sector_experience = models.TextField()
    evidence = models.TextField(blank=True, help_text="What was seen: CV, certificates, references, observation.")
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = CompetenceQuerySet.as_manager()

    class Meta:
        ordering = ["qualification__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "user", "qualification"], name="unique_competence_per_qualification"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}: competent for {self.qualification_id}"


class SkillsLevel(models.TextChoices):
    """English and maths levels as initial assessment in England reports them (functional skills levels)."""

    ENTRY_1 = "entry_1", "Entry level 1"
    ENTRY_2 = "entry_2", "Entry level 2"
    ENTRY_3 = "entry_3", "Entry level 3"
    LEVEL_1 = "level_1", "Level 1"
    LEVEL_2 = "level_2", "Level 2"
    LEVEL_3 = "level_3", "Level 3 or above"


class InitialAssessment(models.Model):
    """The centre's initial assessment of a learner for a registration, which the specifications recommend
    "to ensure that they have a fair opportunity to demonstrate their ability to undertake the qualification":
    English and maths levels, prior learning and experience, and notes for tailoring the programme."""

    registration = models.OneToOneField(Registration, on_delete=models.PROTECT, related_name="initial_assessment")
    english_level = models.CharField("English level", max_length=20, choices=SkillsLevel.choices)
    maths_level = models.CharField("maths level", max_length=20, choices=SkillsLevel.choices)
    prior_experience = models.TextField("prior learning and experience")
    notes = models.TextField(blank=True, help_text="How the programme is tailored to the learner's needs.")
    assessed_on = models.DateField()
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Initial assessment of {self.registration}"


class RegistrationUnit(models.Model):
    """A unit on the learner's plan. `locked_at` is set while the unit is signed off by the assessor."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="plan")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    chosen = models.BooleanField(default=False, help_text="An optional unit the learner chose.")
    locked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["registration", "unit"], name="unique_unit_on_plan")]

    def __str__(self) -> str:
        return f"{self.unit_id} on registration {self.registration_id}"


class CountersignStatus(models.TextChoices):
    NOT_REQUIRED = "not_required", "Not required"
    AWAITING = "awaiting", "Awaiting countersignature"
    CONFIRMED = "confirmed", "Countersigned"
    OVERTURNED = "overturned", "Overturned"


class Countersignable(models.Model):
    """A decision that a colleague must countersign while its maker works towards their assessing (or IQA) award."""

    countersign_status = models.CharField(
        max_length=20, choices=CountersignStatus.choices, default=CountersignStatus.NOT_REQUIRED
    )
    countersigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    countersigned_at = models.DateTimeField(null=True, blank=True)
    countersign_note = models.TextField(blank=True)

    class Meta:
        abstract = True

    @property
    def is_final(self) -> bool:
        return self.countersign_status in (CountersignStatus.NOT_REQUIRED, CountersignStatus.CONFIRMED)


class EvidenceQuerySet(models.QuerySet):
    def current(self):
        return self.filter(is_current=True)


class Evidence(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        WITHDRAWN = "withdrawn", "Withdrawn"

    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="evidence")
    reference = models.PositiveIntegerField(help_text="The portfolio reference printed on tracking sheets.")
    version = models.PositiveSmallIntegerField(default=1)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    is_current = models.BooleanField(default=True)
    title = models.CharField(max_length=200)
    date = models.DateField(help_text="When the evidence was produced.")
    description = models.TextField("description or written record", blank=True)
    language = models.CharField(max_length=50, default="English")
    location = models.CharField(
        "assessment location",
        max_length=200,
        blank=True,
        help_text="Where the assessment took place, e.g. “Workplace: Northgate store”, “Training centre”, “Remote”.",
    )
    methods = models.ManyToManyField(AssessmentMethod, related_name="evidence")
    simulation_reason = models.TextField(
        blank=True, help_text="Why the evidence comes from a simulation rather than real work (needed with Sim)."
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    author_label = models.CharField(max_length=200, blank=True, help_text="A witness's name, when not a user.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    declared_own_work_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_reason = models.TextField(blank=True)
    submission_token = models.CharField(
        max_length=64, blank=True, help_text="The form's one-time token: a second post of the same form adds nothing."
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["registration", "reference", "version"]
        verbose_name_plural = "evidence"
        constraints = [
            models.UniqueConstraint(fields=["registration", "reference", "version"], name="unique_evidence_version"),
            models.UniqueConstraint(
                fields=["registration", "reference"],
                condition=models.Q(is_current=True),
                name="one_current_version_per_reference",
            ),
            models.UniqueConstraint(
                fields=["registration", "submission_token"],
                condition=~models.Q(submission_token=""),
                name="one_evidence_per_submission_token",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "is_current", "submitted_at"]),
            # A set of learners' submitted evidence (the assessor's queue, an IQA's plan).
            models.Index(fields=["registration", "status", "is_current"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference}. {self.title}"

    @property
    def is_learners_own(self) -> bool:
        return self.author_id is not None and self.author_id == self.registration.learner_id

    @property
    def is_witness_testimony(self) -> bool:
        return self.author_id is None

    @property
    def is_simulated(self) -> bool:
        """Simulation among its methods (read from the prefetched methods where a page fetched them)."""
        return any(method.code == SIMULATION for method in self.methods.all())


def evidence_upload_to(instance, filename: str) -> str:
    # `filename` is always a generated name (see portfolio.uploads), never the learner's.
    return f"evidence/{instance.evidence.registration.centre_id}/{instance.evidence.registration_id}/{filename}"


class EvidenceFileQuerySet(models.QuerySet):
    def failing(self) -> "EvidenceFileQuerySet":
        """Files whose last check found their bytes changed or gone (see portfolio.integrity)."""
        return self.filter(integrity__in=[EvidenceFile.Integrity.TAMPERED, EvidenceFile.Integrity.MISSING])


class EvidenceFile(models.Model):
    class Integrity(models.TextChoices):
        UNCHECKED = "unchecked", "Not checked yet"
        OK = "ok", "Matches its SHA-256"
        TAMPERED = "tampered", "Bytes no longer match its SHA-256"
        MISSING = "missing", "Missing from storage"

    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(upload_to=evidence_upload_to, max_length=300)
    thumbnail = models.FileField(upload_to=evidence_upload_to, max_length=300, blank=True)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    thumbnail_sha256 = models.CharField(max_length=64, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    # The last time the stored bytes (file and thumbnail) were hashed against sha256/thumbnail_sha256, and what was
    # found: at upload, when packed and by `manage.py verify_evidence` (portfolio.integrity). Downloads do not hash.
    verified_at = models.DateTimeField(null=True, blank=True, db_index=True)
    integrity = models.CharField(max_length=10, choices=Integrity.choices, default=Integrity.UNCHECKED, db_index=True)
    # When the current failure was first found and reported (one report per file until a check passes again).
    failing_since = models.DateTimeField(null=True, blank=True)

    objects = EvidenceFileQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_failing(self) -> bool:
        return self.integrity in {self.Integrity.TAMPERED, self.Integrity.MISSING}

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def kind(self) -> str:
        """image, pdf, document, audio or video: for icons and labels."""
        if self.content_type.startswith(("image/", "audio/", "video/")):
            return self.content_type.split("/")[0]
        if self.content_type == "application/pdf":
            return "pdf"
        return "document"

    @property
    def kind_label(self) -> str:
        return {"image": "Photo", "pdf": "PDF", "audio": "Audio", "video": "Video"}.get(self.kind, "Document")


def counting_links_q(prefix: str = "") -> models.Q:
    """The links that count towards a criterion: accepted, on the current version of submitted evidence.
    `prefix` reaches the links through a relation (as "decision__criterion__evidence_links__")."""
    return models.Q(
        **{
            f"{prefix}status": "accepted",
            f"{prefix}evidence__is_current": True,
            f"{prefix}evidence__status": "submitted",
        }
    )


class EvidenceLinkQuerySet(models.QuerySet):
    def counting(self) -> "EvidenceLinkQuerySet":
        """Accepted links on the current version of submitted evidence: those that count towards criteria."""
        return self.filter(counting_links_q())


class EvidenceLink(Countersignable):
    """Evidence put forward for one criterion, and the assessor's judgement of it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting review"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="links")
    criterion = models.ForeignKey(AssessmentCriterion, on_delete=models.PROTECT, related_name="evidence_links")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    feedback = models.TextField(blank=True)
    judged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    judged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = EvidenceLinkQuerySet.as_manager()

    class Meta:
        ordering = ["evidence", "criterion"]
        constraints = [models.UniqueConstraint(fields=["evidence", "criterion"], name="unique_link")]

    def __str__(self) -> str:
        return f"Evidence {self.evidence_id} for criterion {self.criterion_id}: {self.status}"


class CriterionDecision(Countersignable):
    """The assessor's decision that a criterion is met for a registration (or its withdrawal)."""

    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="decisions")
    criterion = models.ForeignKey(AssessmentCriterion, on_delete=models.PROTECT, related_name="decisions")
    is_met = models.BooleanField(default=True)
    met_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["registration", "criterion"], name="unique_decision")]

    def __str__(self) -> str:
        return f"Criterion {self.criterion_id} {'met' if self.is_met else 'not met'} for {self.registration_id}"


class WitnessInvitation(models.Model):
    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="witness_invitations")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200)
    relationship = models.CharField("relationship to the learner", max_length=200)
    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    signed_name = models.CharField("witness's signature (typed name)", max_length=200, blank=True)
    evidence = models.OneToOneField(
        Evidence, null=True, blank=True, on_delete=models.PROTECT, related_name="witness_invitation"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Witness {self.name} for {self.registration_id}"

    @property
    def is_pending(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()


class EqaShare(models.Model):
    """Registrations (and optionally only some of their units) shared with an EQA for a period."""

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="eqa_shares")
    eqa = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="eqa_shares")
    starts_on = models.DateField()
    ends_on = models.DateField()
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Share with {self.eqa} until {self.ends_on}"


class EqaShareItem(models.Model):
    share = models.ForeignKey(EqaShare, on_delete=models.CASCADE, related_name="items")
    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="eqa_share_items")
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty: the whole registration.",
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["share", "registration", "unit"], name="unique_share_item")]

    def __str__(self) -> str:
        return f"Registration {self.registration_id} in share {self.share_id}"


class RplClaim(models.Model):
    """A claim to recognise prior learning (certificates or experience) against criteria of the learner's plan.

    The claim is recorded by the assessor as a piece of evidence with the method RPL, linked to the criteria it
    covers (its files are the certificates or records seen). The assessor's decision accepts or rejects each
    criterion through the ordinary judgement (accepted criteria are marked met, with method RPL on the sheet);
    the learner's IQA then checks the decision."""

    class Check(models.TextChoices):
        AGREE = "agree", "Agrees with the decision"
        DISAGREE = "disagree", "Disagrees with the decision"

    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="rpl_claims")
    evidence = models.OneToOneField(Evidence, on_delete=models.PROTECT, related_name="rpl_claim")
    prior_learning = models.TextField(help_text="The prior certificates or experience claimed.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    iqa_check = models.CharField("IQA check", max_length=20, choices=Check.choices, blank=True)
    iqa_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    iqa_checked_at = models.DateTimeField(null=True, blank=True)
    iqa_note = models.TextField("IQA note", blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"RPL claim (evidence {self.evidence.reference}) of {self.registration}"

    @property
    def is_decided(self) -> bool:
        return self.decided_at is not None


class AdjustmentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Adjustment.Status.APPROVED)

    def covering(self, unit_ids):
        """Approved adjustments that apply to any of these units (an adjustment naming no unit applies to all)."""
        return self.approved().filter(models.Q(units__isnull=True) | models.Q(units__in=unit_ids)).distinct()


class Adjustment(models.Model):
    """A reasonable adjustment or special consideration: what was asked for and why, for which units or
    assessments, the decision of a centre admin (approved, or refused with the reason) and what was adjusted."""

    class Kind(models.TextChoices):
        REASONABLE_ADJUSTMENT = "reasonable_adjustment", "Reasonable adjustment"
        SPECIAL_CONSIDERATION = "special_consideration", "Special consideration"

    class Status(models.TextChoices):
        REQUESTED = "requested", "Awaiting decision"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"

    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="adjustments")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    what = models.TextField("what is asked for")
    why = models.TextField("why it is needed")
    units = models.ManyToManyField(
        Unit, blank=True, related_name="+", help_text="The units it applies to; none: every unit."
    )
    assessments = models.CharField(
        "assessments it applies to",
        max_length=300,
        blank=True,
        help_text="For example: “the observation for 3.4”, “written questions”.",
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUESTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField("reason for the decision", blank=True)
    adjusted = models.TextField("what was adjusted", blank=True)

    objects = AdjustmentQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["registration", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for registration {self.registration_id}: {self.get_status_display()}"


def adjustment_upload_to(instance, filename: str) -> str:
    # `filename` is always a generated name (see portfolio.uploads), never the uploader's.
    registration = instance.adjustment.registration
    return f"adjustments/{registration.centre_id}/{registration.pk}/{filename}"


class AdjustmentFile(models.Model):
    """A supporting file of an adjustment request (an assessment report, a medical letter): checked, typed by content
    and hashed like evidence files, and served only through a permission-checked view."""

    adjustment = models.ForeignKey(Adjustment, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(upload_to=adjustment_upload_to, max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name
