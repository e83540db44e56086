"""Assessment plans (agreed and signed by the assessor and the learner, revised as new versions) and visits (the
assessor's diary), with the secret calendar feed each person may subscribe to."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centres.models import Centre
from portfolio.models import EvidenceLink, Registration
from qualifications.models import AssessmentCriterion, AssessmentMethod


class AssessmentPlan(models.Model):
    """A plan agreed between a learner and their assessor for one registration. Its content lives in versions:
    a signed version is never changed, a revision is a new version that needs new signatures."""

    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="assessment_plans")
    title = models.CharField(max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class PlanVersion(models.Model):
    """One version of a plan: its items and the signatures given to exactly this content."""

    plan = models.ForeignKey(AssessmentPlan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    is_current = models.BooleanField(default=True)
    notes = models.TextField(blank=True)
    reason = models.TextField(blank=True, help_text="Why the plan was revised (empty for the first version).")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="unique_plan_version_number"),
            models.UniqueConstraint(fields=["plan"], condition=Q(is_current=True), name="one_current_plan_version"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} v{self.number}"


class RecordedBy(models.TextChoices):
    """Who records the evidence of a plan item."""

    LEARNER = "learner", _("The learner")
    ASSESSOR = "assessor", _("The assessor")
    WITNESS = "witness", _("A witness")


class PlanItemQuerySet(models.QuerySet):
    def current(self):
        """Items of the current version of plans of active registrations."""
        return self.filter(version__is_current=True, version__plan__registration__status=Registration.Status.ACTIVE)

    def with_coverage(self):
        """Each item with `criteria_count` (the criteria it targets) and `covered_count` (those of them with counting
        evidence in the learner's portfolio: an accepted link on the current version of submitted evidence), in the
        same query. The one statement of when an item is done (`PlanItem.done`)."""
        targets = PlanItem.criteria.through.objects.filter(planitem_id=models.OuterRef("pk"))
        evidence = EvidenceLink.objects.counting().filter(
            criterion_id=models.OuterRef("assessmentcriterion_id"),
            evidence__registration_id=models.OuterRef(models.OuterRef("version__plan__registration_id")),
        )

        def count(rows):
            counted = rows.order_by().values("planitem_id").annotate(n=models.Count("*")).values("n")
            return Coalesce(models.Subquery(counted), 0)

        return self.annotate(
            criteria_count=count(targets), covered_count=count(targets.filter(models.Exists(evidence)))
        )


class PlanItem(models.Model):
    """An activity of a plan version: what will be done, the criteria it targets, how, by whom, by when."""

    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="items")
    position = models.PositiveSmallIntegerField()
    activity = models.TextField()
    criteria = models.ManyToManyField(AssessmentCriterion, related_name="+")
    methods = models.ManyToManyField(AssessmentMethod, related_name="+")
    recorded_by = models.CharField(max_length=20, choices=RecordedBy.choices)
    due_on = models.DateField()

    objects = PlanItemQuerySet.as_manager()

    class Meta:
        ordering = ["version", "position"]

    def __str__(self) -> str:
        return self.activity[:60]

    @property
    def done(self) -> bool:
        """Read `with_coverage()`: every criterion it targets has counting evidence (and it targets some)."""
        return self.criteria_count > 0 and self.covered_count == self.criteria_count

    @property
    def overdue(self) -> bool:
        return not self.done and self.due_on < timezone.localdate()


class PlanSignatureRole(models.TextChoices):
    LEARNER = "learner", _("Learner")
    ASSESSOR = "assessor", _("Assessor")


class PlanSignature(models.Model):
    """A signature on one plan version, with the SHA-256 of the version's canonical content when signed, and the
    address and browser it came from. Never changed or deleted."""

    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="signatures")
    role = models.CharField(max_length=20, choices=PlanSignatureRole.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    name_at_signing = models.CharField(max_length=200)
    signed_at = models.DateTimeField(default=timezone.now)
    content_hash = models.CharField(max_length=64)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["signed_at", "id"]
        constraints = [models.UniqueConstraint(fields=["version", "role"], name="one_plan_signature_per_role")]

    def __str__(self) -> str:
        return f"{self.name_at_signing} ({self.role}) on {self.version}"


class VisitQuerySet(models.QuerySet):
    def live(self):
        return self.filter(cancelled_at__isnull=True)


class Visit(models.Model):
    """A visit or session the assessor schedules with one learner or a group of their learners."""

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="+")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="visits")
    registrations = models.ManyToManyField(Registration, related_name="visits")
    plan_items = models.ManyToManyField(PlanItem, blank=True, related_name="visits")
    date = models.DateField()
    starts_at = models.TimeField()
    ends_at = models.TimeField()
    place = models.CharField(max_length=200, blank=True)
    meeting_link = models.URLField(max_length=500, blank=True)
    purpose = models.CharField(max_length=300)
    sequence = models.PositiveIntegerField(default=0, help_text="Times changed: the calendar feed's SEQUENCE.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancel_reason = models.TextField(blank=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        ordering = ["date", "starts_at", "id"]
        indexes = [models.Index(fields=["assessor", "date"])]

    def __str__(self) -> str:
        return f"{self.purpose} on {self.date}"

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def where(self) -> str:
        return self.place or ("Remote meeting" if self.meeting_link else "")


class CalendarFeedQuerySet(models.QuerySet):
    def live(self):
        return self.filter(revoked_at__isnull=True)


class CalendarFeed(models.Model):
    """A person's secret calendar address (/planning/ical/<token>.ics). The token is kept so the person can see
    and copy the address again; revoking it (or making a new one) makes the old address answer 404."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="calendar_feeds")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=Q(revoked_at__isnull=True), name="one_live_feed")
        ]

    def __str__(self) -> str:
        return f"Calendar feed of user {self.user_id}"
