"""Reasonable adjustments and special considerations, with their supporting files."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qualifications.models import Unit

from .registration import Registration


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
        REASONABLE_ADJUSTMENT = "reasonable_adjustment", _("Reasonable adjustment")
        SPECIAL_CONSIDERATION = "special_consideration", _("Special consideration")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Awaiting decision")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

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
