"""Unit sign-offs and their signatures, and the background jobs that build PDFs and packs."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centres.models import Centre
from portfolio.models import Registration
from qualifications.models import Unit


class SignatureRole(models.TextChoices):
    """The signatures on a tracking sheet, in the order they are given."""

    LEARNER = "learner", _("Learner")
    ASSESSOR = "assessor", _("Assessor")
    COUNTERSIGNER = "countersigner", _("Countersignatory")
    IQA = "iqa", _("IQA")
    EQA = "eqa", _("EQS")


ROLE_ORDER: list[str] = [
    SignatureRole.LEARNER,
    SignatureRole.ASSESSOR,
    SignatureRole.COUNTERSIGNER,
    SignatureRole.IQA,
    SignatureRole.EQA,
]


class UnitSignOff(models.Model):
    """The sign-off of one unit of a learner's plan: holds the signatures given to its tracking sheet."""

    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="sign_offs")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["registration", "unit"], name="unique_unit_sign_off")]
        # The IQA's home page lists the newest sign-offs of the whole centre: read newest first from this index it
        # stops at the tenth (under 1 ms at 10,000 learners) instead of sorting every recent one (120 ms).
        indexes = [models.Index(fields=["created_at"], name="sign_off_created_at")]

    def __str__(self) -> str:
        return f"Sign-off of {self.unit.reference} for registration {self.registration_id}"


class SignatureQuerySet(models.QuerySet):
    def live(self):
        return self.filter(voided_at__isnull=True)


class Signature(models.Model):
    """One person's signature on a tracking sheet, with a SHA-256 of the sheet's content when they signed.

    Never deleted: reopening a unit voids signatures (who, when, why) and they stay in the history."""

    sign_off = models.ForeignKey(UnitSignOff, on_delete=models.PROTECT, related_name="signatures")
    role = models.CharField(max_length=20, choices=SignatureRole.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="signatures")
    name_at_signing = models.CharField(max_length=200)
    signed_at = models.DateTimeField(default=timezone.now)
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of the sheet's content when signed.")
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    void_reason = models.TextField(blank=True)

    objects = SignatureQuerySet.as_manager()

    class Meta:
        ordering = ["signed_at", "id"]
        constraints = [
            # Two people signing at the same moment: the database lets only one live signature per role.
            models.UniqueConstraint(
                fields=["sign_off", "role"], condition=Q(voided_at__isnull=True), name="one_live_signature_per_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name_at_signing} ({self.get_role_display()}) {self.signed_at:%Y-%m-%d}"

    @property
    def is_live(self) -> bool:
        return self.voided_at is None


def export_upload_to(instance, filename: str) -> str:
    return f"exports/{instance.centre_id}/{filename}"


class ExportJob(models.Model):
    """A piece of work done in the background (a whole-registration PDF, an EQA pack), with its progress.

    See tracking/jobs.py for how jobs are queued, run and reported."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=50)
    params = models.JSONField(default=dict, blank=True)
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="export_jobs")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="export_jobs")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    result = models.FileField(upload_to=export_upload_to, max_length=300, blank=True)
    result_name = models.CharField(max_length=200, blank=True, help_text="The file name offered on download.")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="Last sign of life of the worker running it (its ticker and progress)."
    )
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Runs started, the one in hand included.")
    request_key = models.CharField(
        max_length=64, blank=True, help_text="Who asked for what (user, kind, params): one live job per request."
    )
    result_removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"]), models.Index(fields=["status", "heartbeat_at"])]
        constraints = [
            # Pressing the button five times queues one job: while one is queued or running, the same request
            # reuses it (tracking.jobs.enqueue), and the database holds it across processes.
            models.UniqueConstraint(
                fields=["request_key"],
                condition=Q(status__in=["queued", "running"]) & ~Q(request_key=""),
                name="one_live_export_job_per_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))

    def report(self, done: int, total: int, message: str | None = None) -> None:
        """Record progress at once (outside any transaction of the job) so the status page can show it."""
        self.progress_done, self.progress_total = done, total
        fields = {"progress_done": done, "progress_total": total}
        if message is not None:
            self.message = fields["message"] = message
        # Progress is a sign of life too; `attempts` keeps a worker that was given up on from writing over a rerun.
        fields["heartbeat_at"] = timezone.now()
        ExportJob.objects.filter(pk=self.pk, attempts=self.attempts).update(**fields)


class WorkerSighting(models.Model):
    """The last time a background worker (a `manage.py qcluster`) on a host showed it was alive; the job page
    says so plainly when none has been seen for a while."""

    host = models.CharField(max_length=200, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.host} at {self.seen_at:%Y-%m-%d %H:%M:%S}"


class CarriedOverUnitQuerySet(models.QuerySet):
    def live(self):
        """Carries not withdrawn (whether or not their source unit is still signed off)."""
        return self.filter(withdrawn_at__isnull=True)

    def counting(self):
        """Carries that count: not withdrawn, and the source unit's sign-off they rest on not reopened since."""
        return self.live().filter(source_signature__voided_at__isnull=True)


class CarriedOverUnit(models.Model):
    """A unit of a learner's plan that counts as met from its sign-off in another registration of the same learner
    at the same centre (the qualifications share the unit). The record points at the source sign-off and the
    assessor's signature it rests on; nothing is copied, so the new registration's sheet reads the original
    evidence, dates and signatures. If the source unit is reopened (the signature voided), the carry no longer
    counts. Withdrawn carries are kept, with who withdrew them, when and why."""

    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="carried_units")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    source_sign_off = models.ForeignKey(UnitSignOff, on_delete=models.PROTECT, related_name="carried_into")
    source_signature = models.ForeignKey(
        Signature, on_delete=models.PROTECT, related_name="+", help_text="The assessor's signature of the source."
    )
    carried_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    carried_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_reason = models.TextField(blank=True)

    objects = CarriedOverUnitQuerySet.as_manager()

    class Meta:
        ordering = ["carried_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "unit"], condition=Q(withdrawn_at__isnull=True), name="one_live_carry_per_unit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit.reference} carried into registration {self.registration_id}"

    @property
    def counts(self) -> bool:
        return self.withdrawn_at is None and self.source_signature.voided_at is None

    @property
    def source_registration(self) -> Registration:
        return self.source_sign_off.registration
