"""Invitations to witnesses to give testimony."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .evidence import Evidence
from .registration import Registration


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
