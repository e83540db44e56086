"""Internal and external quality assurance: IQA sampling plans and sample records, the actions they raise,
EQA comments, and certification claims."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centres.models import Centre
from portfolio.models import Countersignable, CountersignStatus, CriterionDecision, EqaShare, EvidenceLink, Registration
from qualifications.models import Qualification, Unit


class Risk(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class SamplingPlanQuerySet(models.QuerySet):
    def covering(self, day):
        return self.filter(period_start__lte=day, period_end__gte=day)


class SamplingPlan(models.Model):
    """An IQA's plan for sampling one qualification at a centre over a period."""

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="sampling_plans")
    qualification = models.ForeignKey(Qualification, on_delete=models.PROTECT, related_name="sampling_plans")
    iqa = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sampling_plans")
    period_start = models.DateField()
    period_end = models.DateField()
    notes = models.TextField(blank=True)
    locations = models.TextField(
        "assessment locations", blank=True, help_text="Where learners are assessed, one per line (workplaces, centre)."
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = SamplingPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "qualification__title"]
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "qualification", "iqa", "period_start"], name="unique_sampling_plan_period"
            ),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="plan_period_order"),
        ]

    def __str__(self) -> str:
        return f"{self.qualification.number} {self.period_start:%d %b %Y} – {self.period_end:%d %b %Y}"

    @property
    def location_list(self) -> list[str]:
        return [line.strip() for line in self.locations.splitlines() if line.strip()]


class PlanAssessor(models.Model):
    """An assessor's sampling rate in a plan, and the reason for it in words.

    The rate follows the assessor's risk (see quality.services.risk) unless the IQA overrode it."""

    plan = models.ForeignKey(SamplingPlan, on_delete=models.CASCADE, related_name="assessors")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    risk = models.CharField(max_length=10, choices=Risk.choices, default=Risk.LOW)
    rate_percent = models.PositiveSmallIntegerField()
    reason = models.TextField()
    overridden = models.BooleanField(default=False)
    override_reason = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["assessor__full_name", "assessor__email"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "assessor"], name="unique_plan_assessor"),
            models.CheckConstraint(condition=Q(rate_percent__lte=100), name="plan_rate_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{self.assessor}: {self.rate_percent}%"


class SampleKind(models.TextChoices):
    INTERIM = "interim", _("Interim (work in progress)")
    SUMMATIVE = "summative", _("Summative (signed-off units)")


class Outcome(models.TextChoices):
    AGREE = "agree", _("Agree")
    AGREE_WITH_ACTIONS = "agree_with_actions", _("Agree with actions")
    DISAGREE = "disagree", _("Disagree")


OUTCOME_SEVERITY = {Outcome.AGREE: 0, Outcome.AGREE_WITH_ACTIONS: 1, Outcome.DISAGREE: 2}


def worst_outcome(outcomes) -> str | None:
    outcomes = list(outcomes)
    return max(outcomes, key=lambda outcome: OUTCOME_SEVERITY[outcome]) if outcomes else None


class RecordChecked(models.TextChoices):
    """The records an IQA can look at in a sample (the R of CAMERA)."""

    IDENTITY = "identity", _("Learner identity check")
    DECLARATIONS = "declarations", _("Own-work declarations")
    TRACKING_SHEET = "tracking_sheet", _("Tracking sheet")
    FEEDBACK = "feedback", _("Feedback to the learner")
    WITNESS = "witness", _("Witness testimony details")
    COUNTERSIGNATURES = "countersignatures", _("Countersignatures")


# A sample's decision is final when its IQA is qualified or their countersignatory confirmed it.
FINAL_COUNTERSIGN_STATUSES = [CountersignStatus.NOT_REQUIRED, CountersignStatus.CONFIRMED]


class SampleRecordQuerySet(models.QuerySet):
    def final(self):
        return self.filter(countersign_status__in=FINAL_COUNTERSIGN_STATUSES)

    def awaiting_countersignature(self):
        return self.filter(countersign_status=CountersignStatus.AWAITING)


class SampleRecord(Countersignable):
    """What an IQA looked at for one learner (interim or summative), their feedback and the overall outcome.

    A sample by an IQA working towards their IQA award awaits their countersignatory (countersign_status):
    it is recorded at once, but what makes it final (the IQA line signed, a unit reopened, actions raised
    for the assessor, the assessor's risk) waits until it is confirmed. A returned sample ("overturned")
    stays as a record with the countersignatory's note and never takes effect."""

    class Status(models.TextChoices):
        ACTIONS_OPEN = "actions_open", _("Actions open")
        COMPLETE = "complete", _("Complete")

    plan = models.ForeignKey(SamplingPlan, on_delete=models.PROTECT, related_name="samples")
    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="iqa_samples")
    kind = models.CharField(max_length=20, choices=SampleKind.choices)
    iqa = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="iqa_samples")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="sampled_as_assessor",
        help_text="The learner's assessor when sampled.",
    )
    location = models.CharField(
        "assessment location", max_length=200, help_text="Where the sampled assessment took place."
    )
    records_checked = models.JSONField(default=list, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    feedback = models.TextField("feedback to the assessor")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.COMPLETE)
    proposed_actions = models.JSONField(
        default=list,
        blank=True,
        help_text="Actions set by an IQA working towards their award ({text, due_on}), raised once countersigned.",
    )
    sampled_at = models.DateTimeField(default=timezone.now)

    objects = SampleRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-sampled_at", "-id"]
        indexes = [
            models.Index(fields=["plan", "kind"]),
            models.Index(fields=["countersign_status", "iqa"], name="sample_countersign_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} sample of {self.registration} on {self.sampled_at:%d %b %Y}"

    @property
    def records_checked_labels(self) -> list[str]:
        labels = dict(RecordChecked.choices)
        return [labels.get(code, code) for code in self.records_checked]

    @property
    def awaiting_countersignature(self) -> bool:
        return self.countersign_status == CountersignStatus.AWAITING

    @property
    def returned(self) -> bool:
        return self.countersign_status == CountersignStatus.OVERTURNED

    @property
    def status_label(self) -> str:
        """The status in words wherever samples are listed: a sample that is not final says so first."""
        if self.awaiting_countersignature:
            return "Awaiting countersignature"
        if self.returned:
            return "Returned by the countersignatory"
        return self.get_status_display()

    @property
    def proposed_action_list(self) -> list[dict]:
        """The proposed actions with their due dates as dates (for pages)."""
        return [
            {"text": action["text"], "due_on": dt.date.fromisoformat(action["due_on"])}
            for action in self.proposed_actions
        ]


class SampleUnit(models.Model):
    """A unit looked at in a sample: the methods of the evidence reviewed, the unit's outcome and what followed."""

    class Result(models.TextChoices):
        NONE = "", _("No change")
        IQA_SIGNED = "iqa_signed", _("IQA signed the tracking sheet")
        REOPENED = "reopened", _("Reopened for the assessor")

    sample = models.ForeignKey(SampleRecord, on_delete=models.CASCADE, related_name="units")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    methods = models.JSONField(default=list, blank=True, help_text="Method codes of the evidence reviewed.")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    result = models.CharField(max_length=20, choices=Result.choices, blank=True, default=Result.NONE)

    class Meta:
        ordering = ["sample", "unit__reference"]
        constraints = [models.UniqueConstraint(fields=["sample", "unit"], name="unique_sample_unit")]

    def __str__(self) -> str:
        return f"{self.unit.reference} in sample {self.sample_id}: {self.get_outcome_display()}"


class SampleDecision(models.Model):
    """The IQA's outcome for one assessment decision: an evidence judgement or a criterion marked met."""

    sample = models.ForeignKey(SampleRecord, on_delete=models.CASCADE, related_name="decisions")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    link = models.ForeignKey(EvidenceLink, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decision = models.ForeignKey(CriterionDecision, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", help_text="Who made the decision."
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["sample", "unit__reference", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(link__isnull=False) & Q(decision__isnull=True))
                | (Q(link__isnull=True) & Q(decision__isnull=False)),
                name="sample_decision_one_target",
            ),
        ]

    def __str__(self) -> str:
        target = f"link {self.link_id}" if self.link_id else f"decision {self.decision_id}"
        return f"{target} in sample {self.sample_id}: {self.get_outcome_display()}"


class ActionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_at__isnull=True)

    def awaiting_assessor(self):
        return self.filter(closed_at__isnull=True, completed_at__isnull=True)

    def awaiting_close(self):
        return self.filter(closed_at__isnull=True, completed_at__isnull=False)


class Action(models.Model):
    """Something the assessor must do after a sample; the assessor completes it and the IQA closes it."""

    sample = models.ForeignKey(SampleRecord, on_delete=models.PROTECT, related_name="actions")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="iqa_actions")
    text = models.TextField()
    due_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_note = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    close_note = models.TextField(blank=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"Action for {self.assessor} due {self.due_on}"

    @property
    def state(self) -> str:
        if self.closed_at:
            return "Closed"
        if self.completed_at:
            return "Completed, awaiting the IQA"
        if self.due_on < timezone.localdate():
            return "Overdue"
        return "Open"


class EqaComment(models.Model):
    """A remark by the EQA on a shared registration (or one of its units)."""

    share = models.ForeignKey(EqaShare, on_delete=models.PROTECT, related_name="comments")
    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="eqa_comments")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    eqa = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="eqa_comments")
    text = models.TextField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"EQA comment by {self.eqa} on {self.at:%Y-%m-%d}"


class CertificationClaim(models.Model):
    """A claim to the awarding body: the full qualification, or unit certification for a learner who left."""

    class Kind(models.TextChoices):
        FULL = "full", _("Full qualification")
        UNIT = "unit", _("Unit certification")

    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="claims")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    units = models.ManyToManyField(Unit, related_name="+")
    claimed_at = models.DateTimeField(default=timezone.now)
    claimed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField("awarding-body claim reference", max_length=100, blank=True)
    certificate_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-claimed_at", "-id"]
        # One claim per registration: a second click or a second admin cannot claim twice.
        constraints = [models.UniqueConstraint(fields=["registration"], name="one_claim_per_registration")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} claim for {self.registration}"


# Standardisation lives in its own module; imported here so that Django registers its models with this app.
from .standardisation_models import (  # noqa: E402, F401
    AgreedOutcome,
    StandardisationAction,
    StandardisationActivity,
    StandardisationCriterion,
    StandardisationJudgement,
    StandardisationParticipant,
    Verdict,
)
