"""API tokens: a centre's management information system (or another integration) reads and writes through
/api/v1/ with one of these, limited to its centre and its scopes."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centres.models import Centre


class Scope(models.TextChoices):
    REGISTRATIONS_READ = "registrations:read", _("Read registrations")
    REGISTRATIONS_WRITE = "registrations:write", _("Create registrations, change their dates and assessor")
    PROGRESS_READ = "progress:read", _("Read progress per unit and criterion")
    EVIDENCE_READ = "evidence:read", _("Read evidence details (titles, dates, file names and hashes)")
    EVIDENCE_FILES_READ = "evidence-files:read", _("Download evidence files")
    SIGNATURES_READ = "signatures:read", _("Read tracking-sheet signatures")
    APPRENTICESHIPS_READ = "apprenticeships:read", _("Read off-the-job hours and progress reviews")


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def live(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class ApiToken(models.Model):
    """Only the SHA-256 of the secret is stored: the secret is shown once, when the token is made."""

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12, help_text="The secret's first characters, to tell tokens apart.")
    scopes = models.JSONField(default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    def allows(self, scope: str) -> bool:
        return scope in self.scopes
