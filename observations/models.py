"""Observation records and professional discussions: the assessor's record made during a visit, behind one piece of
evidence, with the signatures given on it and (for a discussion) the time-stamped markers against criteria."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portfolio.models import Evidence, Registration
from qualifications.models import AssessmentCriterion


class AssessmentRecord(models.Model):
    class Kind(models.TextChoices):
        OBSERVATION = "observation", _("Observation")
        DISCUSSION = "discussion", _("Professional discussion")

    class Confirmation(models.TextChoices):
        ON_DEVICE = "on_device", _("Signed by the learner on the assessor's device")
        LATER = "later", _("Confirmed by the learner later, in their own account")
        NOT_ASKED = "not_asked", _("No learner confirmation asked")

    evidence = models.OneToOneField(Evidence, on_delete=models.PROTECT, related_name="assessment_record")
    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="assessment_records")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmation = models.CharField(max_length=20, choices=Confirmation.choices)
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of the record's content, as signed.")
    learner_confirmed_at = models.DateTimeField(null=True, blank=True)
    visit = models.ForeignKey(
        "planning.Visit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessment_records",
        help_text="The visit during which the observation was made, if it was recorded from the visit's page.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["registration", "confirmation", "learner_confirmed_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: evidence {self.evidence.reference}"

    @property
    def awaiting_learner(self) -> bool:
        return self.confirmation == self.Confirmation.LATER and self.learner_confirmed_at is None


class RecordSignature(models.Model):
    class Role(models.TextChoices):
        LEARNER = "learner", _("Learner")
        WITNESS = "witness", _("Witness")

    class How(models.TextChoices):
        DRAWN = "drawn", _("Drawn on the device")
        TYPED = "typed", _("Typed name on the device")
        ACCOUNT = "account", _("Confirmed signed in to their own account")

    record = models.ForeignKey(AssessmentRecord, on_delete=models.PROTECT, related_name="signatures")
    role = models.CharField(max_length=10, choices=Role.choices)
    how = models.CharField(max_length=10, choices=How.choices)
    name = models.CharField(max_length=200)
    image = models.TextField(blank=True, help_text="A drawn signature as a PNG data URL.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of the record's content when signed.")
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["signed_at", "id"]
        constraints = [models.UniqueConstraint(fields=["record", "role"], name="one_signature_per_role_per_record")]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.name}"


class DiscussionMarker(models.Model):
    record = models.ForeignKey(AssessmentRecord, on_delete=models.PROTECT, related_name="markers")
    criterion = models.ForeignKey(AssessmentCriterion, on_delete=models.PROTECT, related_name="+")
    seconds = models.DecimalField(max_digits=8, decimal_places=1)

    class Meta:
        ordering = ["seconds", "id"]

    def __str__(self) -> str:
        return f"{self.seconds}s: {self.criterion.code}"

    @property
    def clock(self) -> str:
        whole = int(self.seconds)
        return f"{whole // 60}:{whole % 60:02d}"
