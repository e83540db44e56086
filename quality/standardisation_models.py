"""Standardisation activities: the assessors of a qualification judge the same piece of evidence on their own,
the IQA compares their judgements per criterion, records the agreed outcome, minutes and actions, and closes it.

Kept apart from quality.models (imported there, so Django registers them with the quality app)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centres.models import Centre
from portfolio.models import Evidence
from qualifications.models import AssessmentCriterion, Qualification, Unit


class Verdict(models.TextChoices):
    """An assessor's judgement of the evidence against one criterion."""

    MET = "met", _("Met")
    NOT_MET = "not_met", _("Not met")
    NOT_SURE = "not_sure", _("Not sure")


class AgreedOutcome(models.TextChoices):
    """What the IQA and assessors agreed the evidence shows for one criterion (the standard to apply)."""

    MET = "met", _("Met")
    NOT_MET = "not_met", _("Not met")


class StandardisationActivityQuerySet(models.QuerySet):
    def closed(self):
        return self.filter(status=StandardisationActivity.Status.CLOSED)


class StandardisationActivity(models.Model):
    """One standardisation exercise: what is judged (a learner's evidence, or an exemplar or observation written
    here), against which criteria of one unit, by which assessors; then the agreed outcome, minutes and actions.

    Judging: each invited assessor submits once. Review: the IQA has closed judging, sees every judgement side by
    side and records the outcome. Closed: frozen."""

    class Status(models.TextChoices):
        JUDGING = "judging", _("Assessors judging")
        REVIEW = "review", _("Judging closed: agreeing the outcome")
        CLOSED = "closed", _("Closed")

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="standardisation_activities")
    qualification = models.ForeignKey(Qualification, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    evidence = models.ForeignKey(
        Evidence,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="A learner's evidence at the centre, when that is what is judged.",
    )
    exemplar = models.TextField(
        "exemplar or observation record",
        blank=True,
        help_text="The written exemplar or recorded observation judged, when it is not a learner's evidence.",
    )
    iqa = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.JUDGING)
    created_at = models.DateTimeField(default=timezone.now)
    judging_closed_at = models.DateTimeField(null=True, blank=True)
    minutes = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = StandardisationActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "standardisation activities"
        indexes = [models.Index(fields=["centre", "qualification", "status"], name="standardisation_centre_qual")]
        constraints = [
            models.CheckConstraint(
                condition=Q(evidence__isnull=False) | ~Q(exemplar=""), name="standardisation_has_something_to_judge"
            ),
        ]

    def __str__(self) -> str:
        return f"Standardisation: {self.title}"

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class StandardisationCriterion(models.Model):
    """A criterion judged in the activity, with the outcome the IQA recorded as agreed."""

    activity = models.ForeignKey(StandardisationActivity, on_delete=models.PROTECT, related_name="criteria")
    criterion = models.ForeignKey(AssessmentCriterion, on_delete=models.PROTECT, related_name="+")
    agreed_outcome = models.CharField(max_length=10, choices=AgreedOutcome.choices, blank=True)
    agreed_note = models.TextField("why (the standard agreed)", blank=True)

    class Meta:
        ordering = ["activity", "criterion__order"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "criterion"], name="unique_standardisation_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.criterion.code} in activity {self.activity_id}"


class StandardisationParticipant(models.Model):
    """An assessor invited to judge; `submitted_at` is set once, when they submit their judgements."""

    activity = models.ForeignKey(StandardisationActivity, on_delete=models.PROTECT, related_name="participants")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["activity", "assessor__full_name", "assessor__email"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "assessor"], name="unique_standardisation_participant")
        ]

    def __str__(self) -> str:
        return f"{self.assessor} in activity {self.activity_id}"


class StandardisationJudgement(models.Model):
    """One assessor's verdict on one criterion, with their rationale."""

    participant = models.ForeignKey(StandardisationParticipant, on_delete=models.PROTECT, related_name="judgements")
    criterion = models.ForeignKey(StandardisationCriterion, on_delete=models.PROTECT, related_name="judgements")
    verdict = models.CharField(max_length=10, choices=Verdict.choices)
    rationale = models.TextField()

    class Meta:
        ordering = ["participant", "criterion"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "criterion"], name="unique_standardisation_judgement")
        ]

    def __str__(self) -> str:
        return f"{self.get_verdict_display()} by participant {self.participant_id}"


class StandardisationAction(models.Model):
    """Something an assessor is to do after the activity (further training, a re-read of the standard), with a
    due date, set by the IQA before closing."""

    activity = models.ForeignKey(StandardisationActivity, on_delete=models.PROTECT, related_name="actions")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    due_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["activity", "due_on", "id"]

    def __str__(self) -> str:
        return f"Standardisation action for {self.assessor} due {self.due_on}"
