"""Threads between a learner and their assessor (and the IQA who samples the work): one per piece of evidence and
one per unit of a registration. Messages are only ever added: there is no edit and no delete, and each is also in
the registration's audit history (centres Event)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from portfolio.models import Registration
from qualifications.models import Unit


class Thread(models.Model):
    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="+")
    # The piece of evidence by its portfolio reference: the thread runs on across the piece's versions.
    evidence_reference = models.PositiveIntegerField(null=True, blank=True)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(evidence_reference__isnull=False, unit__isnull=True))
                | (models.Q(evidence_reference__isnull=True, unit__isnull=False)),
                name="thread_on_evidence_or_unit",
            ),
            models.UniqueConstraint(
                fields=["registration", "evidence_reference"],
                condition=models.Q(evidence_reference__isnull=False),
                name="one_thread_per_evidence",
            ),
            models.UniqueConstraint(
                fields=["registration", "unit"], condition=models.Q(unit__isnull=False), name="one_thread_per_unit"
            ),
        ]

    def __str__(self) -> str:
        about = f"evidence {self.evidence_reference}" if self.evidence_reference else f"unit {self.unit_id}"
        return f"Thread on {about} of registration {self.registration_id}"


ONLY_ADDED = "Messages are only ever added: a message cannot be changed or deleted."


class MessageQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError(ONLY_ADDED)

    def delete(self):
        raise TypeError(ONLY_ADDED)


class Message(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.PROTECT, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    posted_at = models.DateTimeField(default=timezone.now)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["posted_at", "pk"]
        indexes = [models.Index(fields=["thread", "posted_at"])]

    def __str__(self) -> str:
        return f"Message {self.pk} in thread {self.thread_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError(ONLY_ADDED)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(ONLY_ADDED)
