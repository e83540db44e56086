"""The assessor's judgements: evidence linked to criteria, criteria marked met, and the countersignature a
trainee's decisions wait for."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qualifications.models import AssessmentCriterion

from .evidence import Evidence
from .registration import Registration


class CountersignStatus(models.TextChoices):
    NOT_REQUIRED = "not_required", _("Not required")
    AWAITING = "awaiting", _("Awaiting countersignature")
    CONFIRMED = "confirmed", _("Countersigned")
    OVERTURNED = "overturned", _("Overturned")


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
        PENDING = "pending", _("Awaiting review")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

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

    @property
    def status_label(self):
        """get_status_display() for pages with a row per link: Django's rebuilds the choices on each call."""
        return _LINK_STATUS_LABELS.get(self.status, self.status)


_LINK_STATUS_LABELS = dict(EvidenceLink.Status.choices)


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
