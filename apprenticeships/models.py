"""Apprenticeships: the apprenticeship details of a registration, employers and their contacts, the training plan,
off-the-job (OTJ) training, progress reviews, breaks in learning, and the signatures and one-time employer links
that sign plans and reviews."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centres.models import Centre
from portfolio.models import Evidence, Registration
from qualifications.models import AssessmentCriterion


class CentreApprenticeshipSettings(models.Model):
    """What a centre decides about its apprenticeships (defaults apply until the centre saves its own)."""

    centre = models.OneToOneField(Centre, on_delete=models.PROTECT, related_name="apprenticeship_settings")
    review_interval_weeks = models.PositiveSmallIntegerField(
        default=12, help_text="Progress reviews are due at least this often."
    )
    otj_behind_margin_percent = models.PositiveSmallIntegerField(
        default=10, help_text="Flag an apprentice whose actual OTJ hours are behind plan by more than this."
    )
    employers_see_evidence = models.BooleanField(
        default=False, help_text="Employer contacts may open their apprentices' evidence files."
    )

    def __str__(self) -> str:
        return f"Apprenticeship settings of {self.centre}"


class Employer(models.Model):
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="employers")
    name = models.CharField("organisation", max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["centre", "name"], name="unique_employer_name")]

    def __str__(self) -> str:
        return self.name


class EmployerContactQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, user__is_active=True)


class EmployerContact(models.Model):
    """The employer-contact role: a person at an employer who signs in to see that employer's apprentices."""

    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="contacts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="employer_contacts")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = EmployerContactQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["employer", "user"], name="unique_employer_contact")]

    def __str__(self) -> str:
        return f"{self.user} at {self.employer}"


class Apprenticeship(models.Model):
    """The apprenticeship details of a registration (one to one)."""

    registration = models.OneToOneField(Registration, on_delete=models.PROTECT, related_name="apprenticeship")
    standard_reference = models.CharField(max_length=20, help_text="For example ST0072.")
    standard_title = models.CharField(max_length=200)
    standard_level = models.PositiveSmallIntegerField()
    typical_duration_months = models.PositiveSmallIntegerField()
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="apprenticeships")
    workplace = models.CharField(max_length=300)
    employer_contact = models.ForeignKey(EmployerContact, on_delete=models.PROTECT, related_name="apprenticeships")
    planned_start = models.DateField()
    planned_end = models.DateField()
    practical_period_start = models.DateField()
    practical_period_end = models.DateField()
    planned_otj_hours = models.DecimalField(max_digits=6, decimal_places=1)
    prior_learning_reduction_hours = models.DecimalField(max_digits=6, decimal_places=1, default=Decimal("0"))
    prior_learning_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.standard_reference} apprenticeship of registration {self.registration_id}"

    @property
    def otj_target_hours(self) -> Decimal:
        return self.planned_otj_hours - self.prior_learning_reduction_hours


class TrainingPlan(models.Model):
    """The training plan / commitment statement: a frozen snapshot of the apprenticeship's details, signed by the
    learner, the provider and the employer. A change of details (or of employer) starts a new plan."""

    apprenticeship = models.ForeignKey(Apprenticeship, on_delete=models.PROTECT, related_name="training_plans")
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="+")
    content = models.JSONField()
    content_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Training plan {self.pk} of apprenticeship {self.apprenticeship_id}"


class ProgressReview(models.Model):
    """A progress review: what the learner, provider and employer agree about progress against plan."""

    apprenticeship = models.ForeignKey(Apprenticeship, on_delete=models.PROTECT, related_name="reviews")
    due_on = models.DateField()
    held_on = models.DateField(null=True, blank=True)
    criteria_met = models.PositiveIntegerField(null=True, blank=True)
    otj_hours = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    targets_set = models.TextField(blank=True)
    targets_met = models.TextField(blank=True)
    english_maths = models.TextField("English and maths", blank=True)
    wellbeing = models.TextField("wellbeing check", blank=True)
    safeguarding = models.TextField("safeguarding check", blank=True)
    employer_comments = models.TextField(blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True, help_text="When the third signature was given.")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["completed_at", "due_on"]),
            # The reviews still open, soonest due first: the home pages list the first few due of the assessor's
            # learners or the admin's centres, read in order from here rather than joining every open review to
            # its learner and sorting them.
            models.Index(
                fields=["due_on", "id"], condition=models.Q(completed_at__isnull=True), name="review_open_by_due"
            ),
        ]

    def __str__(self) -> str:
        return f"Progress review due {self.due_on} (apprenticeship {self.apprenticeship_id})"


class SignatureRole(models.TextChoices):
    LEARNER = "learner", _("Learner")
    PROVIDER = "provider", _("Provider")
    EMPLOYER = "employer", _("Employer")


class SignatureQuerySet(models.QuerySet):
    def live(self):
        return self.filter(voided_at__isnull=True)


class Signature(models.Model):
    """A signature on a training plan or a progress review: who, when, from where, and the hash of what was signed."""

    training_plan = models.ForeignKey(
        TrainingPlan, null=True, blank=True, on_delete=models.PROTECT, related_name="signatures"
    )
    review = models.ForeignKey(
        ProgressReview, null=True, blank=True, on_delete=models.PROTECT, related_name="signatures"
    )
    role = models.CharField(max_length=20, choices=SignatureRole.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_name = models.CharField(max_length=200)
    signed_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    content_hash = models.CharField(max_length=64)
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.CharField(max_length=300, blank=True)

    objects = SignatureQuerySet.as_manager()

    class Meta:
        ordering = ["signed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(training_plan__isnull=True, review__isnull=False)
                | models.Q(training_plan__isnull=False, review__isnull=True),
                name="apprenticeship_signature_on_one_thing",
            ),
            models.UniqueConstraint(
                fields=["training_plan", "role"],
                condition=models.Q(voided_at__isnull=True, training_plan__isnull=False),
                name="one_live_plan_signature_per_role",
            ),
            models.UniqueConstraint(
                fields=["review", "role"],
                condition=models.Q(voided_at__isnull=True, review__isnull=False),
                name="one_live_review_signature_per_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} signature by {self.signed_name}"


class EmployerLink(models.Model):
    """A one-time, expiring link for the employer to sign a training plan or a review without signing in. Only the
    SHA-256 of the token is stored; the link remembers the content it was sent for, so a change refuses it."""

    training_plan = models.ForeignKey(
        TrainingPlan, null=True, blank=True, on_delete=models.PROTECT, related_name="employer_links"
    )
    review = models.ForeignKey(
        ProgressReview, null=True, blank=True, on_delete=models.PROTECT, related_name="employer_links"
    )
    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True)
    content_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(training_plan__isnull=True, review__isnull=False)
                | models.Q(training_plan__isnull=False, review__isnull=True),
                name="employer_link_for_one_thing",
            )
        ]

    def __str__(self) -> str:
        return f"Employer link {self.pk}"


class OtjActivity(models.TextChoices):
    """Kinds of activity. The last three never count as off-the-job training (apprenticeships/otj.py)."""

    THEORY = "theory", _("Teaching of theory (lectures, role play, simulation, online learning)")
    PRACTICAL = "practical", _("Practical training (shadowing, mentoring, industry visits)")
    ASSIGNMENT = "assignment", _("Learning support and time spent writing assignments")
    SELF_STUDY = "self_study", _("Directed self-study")
    ENGLISH_MATHS = "english_maths", _("English or maths")
    PROGRESS_REVIEW = "progress_review", _("Progress review")
    END_POINT_ASSESSMENT = "epa", _("End-point assessment")


class OtjEntryQuerySet(models.QuerySet):
    def verified(self):
        return self.filter(verified_at__isnull=False)


class OtjEntry(models.Model):
    apprenticeship = models.ForeignKey(Apprenticeship, on_delete=models.PROTECT, related_name="otj_entries")
    date = models.DateField()
    hours = models.DecimalField(max_digits=4, decimal_places=1)
    activity_type = models.CharField(max_length=20, choices=OtjActivity.choices)
    description = models.TextField()
    criteria = models.ManyToManyField(AssessmentCriterion, blank=True, related_name="+")
    evidence = models.ForeignKey(Evidence, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)

    objects = OtjEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["apprenticeship", "date"])]
        verbose_name = "OTJ entry"
        verbose_name_plural = "OTJ entries"

    def __str__(self) -> str:
        return f"{self.hours} h OTJ on {self.date}"


class BreakInLearning(models.Model):
    apprenticeship = models.ForeignKey(Apprenticeship, on_delete=models.PROTECT, related_name="breaks")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True, help_text="Empty while the break goes on.")
    reason = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_on", "id"]

    def __str__(self) -> str:
        return f"Break from {self.starts_on}"

    def covers(self, day) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


class GatewayChecklist(models.Model):
    """What the end-point assessment gateway needs beyond what the portfolio shows: English and maths evidence, the
    employer's confirmation and the learner's declaration (each recorded once: who, when, from where)."""

    apprenticeship = models.OneToOneField(Apprenticeship, on_delete=models.PROTECT, related_name="gateway")
    english_maths_evidence = models.TextField(blank=True)
    english_maths_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    english_maths_recorded_at = models.DateTimeField(null=True, blank=True)
    employer_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    employer_confirmed_at = models.DateTimeField(null=True, blank=True)
    employer_confirmed_ip = models.GenericIPAddressField(null=True, blank=True)
    learner_declared_at = models.DateTimeField(null=True, blank=True)
    learner_declared_ip = models.GenericIPAddressField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Gateway checklist of apprenticeship {self.apprenticeship_id}"
