"""Registrations shared with an EQA."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from centres.models import Centre
from qualifications.models import Unit

from .registration import Registration


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
