"""Evidence in a learner's portfolio (reference and versions) and its stored files."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qualifications.models import AssessmentMethod
from qualifications.spec_rules import SIMULATION

from .registration import Registration


class EvidenceQuerySet(models.QuerySet):
    def current(self):
        return self.filter(is_current=True)


class Evidence(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="evidence")
    reference = models.PositiveIntegerField(help_text="The portfolio reference printed on tracking sheets.")
    version = models.PositiveSmallIntegerField(default=1)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    is_current = models.BooleanField(default=True)
    title = models.CharField(max_length=200)
    date = models.DateField(help_text="When the evidence was produced.")
    description = models.TextField("description or written record", blank=True)
    language = models.CharField(max_length=50, default="English")
    location = models.CharField(
        "assessment location",
        max_length=200,
        blank=True,
        help_text="Where the assessment took place, e.g. “Workplace: Northgate store”, “Training centre”, “Remote”.",
    )
    methods = models.ManyToManyField(AssessmentMethod, related_name="evidence")
    simulation_reason = models.TextField(
        blank=True, help_text="Why the evidence comes from a simulation rather than real work (needed with Sim)."
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    author_label = models.CharField(max_length=200, blank=True, help_text="A witness's name, when not a user.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    declared_own_work_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_reason = models.TextField(blank=True)
    submission_token = models.CharField(
        max_length=64, blank=True, help_text="The form's one-time token: a second post of the same form adds nothing."
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["registration", "reference", "version"]
        verbose_name_plural = "evidence"
        constraints = [
            models.UniqueConstraint(fields=["registration", "reference", "version"], name="unique_evidence_version"),
            models.UniqueConstraint(
                fields=["registration", "reference"],
                condition=models.Q(is_current=True),
                name="one_current_version_per_reference",
            ),
            models.UniqueConstraint(
                fields=["registration", "submission_token"],
                condition=~models.Q(submission_token=""),
                name="one_evidence_per_submission_token",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "is_current", "submitted_at"]),
            # A set of learners' submitted evidence (the assessor's queue, an IQA's plan).
            models.Index(fields=["registration", "status", "is_current"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference}. {self.title}"

    @property
    def is_learners_own(self) -> bool:
        return self.author_id is not None and self.author_id == self.registration.learner_id

    @property
    def is_witness_testimony(self) -> bool:
        return self.author_id is None

    def _held_methods(self):
        # What `methods.all()` answers, without making a related manager each time (some 10 us: a page of 200
        # pieces asks twice each): the methods a page fetched with the piece, else a query as before. Changing
        # the methods (set, add, remove, clear) drops what was held, so this never answers stale methods.
        held = getattr(self, "_prefetched_objects_cache", {}).get("methods")
        return held if held is not None else self.methods.all()

    @property
    def method_codes(self) -> str:
        """Its methods' codes, "O, WT" (from the prefetched methods where a page fetched them)."""
        return ", ".join(method.code for method in self._held_methods())

    @property
    def is_simulated(self) -> bool:
        """Simulation among its methods (read from the prefetched methods where a page fetched them)."""
        return any(method.code == SIMULATION for method in self._held_methods())


def evidence_upload_to(instance, filename: str) -> str:
    # `filename` is always a generated name (see portfolio.uploads), never the learner's.
    return f"evidence/{instance.evidence.registration.centre_id}/{instance.evidence.registration_id}/{filename}"


class EvidenceFileQuerySet(models.QuerySet):
    def failing(self) -> "EvidenceFileQuerySet":
        """Files whose last check found their bytes changed or gone (see portfolio.integrity)."""
        return self.filter(integrity__in=[EvidenceFile.Integrity.TAMPERED, EvidenceFile.Integrity.MISSING])


class EvidenceFile(models.Model):
    class Integrity(models.TextChoices):
        UNCHECKED = "unchecked", _("Not checked yet")
        OK = "ok", _("Matches its SHA-256")
        TAMPERED = "tampered", _("Bytes no longer match its SHA-256")
        MISSING = "missing", _("Missing from storage")

    class Preview(models.TextChoices):
        NOT_MADE = "", _("Not made yet")
        READY = "ready", _("Page images made")
        UNAVAILABLE = "unavailable", _("Not available: the file could not be drawn")

    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(upload_to=evidence_upload_to, max_length=300)
    thumbnail = models.FileField(upload_to=evidence_upload_to, max_length=300, blank=True)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    thumbnail_sha256 = models.CharField(max_length=64, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    # The last time the stored bytes (file and thumbnail) were hashed against sha256/thumbnail_sha256, and what was
    # found: at upload, when packed and by `manage.py verify_evidence` (portfolio.integrity). Downloads do not hash.
    verified_at = models.DateTimeField(null=True, blank=True, db_index=True)
    integrity = models.CharField(max_length=10, choices=Integrity.choices, default=Integrity.UNCHECKED, db_index=True)
    # When the current failure was first found and reported (one report per file until a check passes again).
    failing_since = models.DateTimeField(null=True, blank=True)
    # PDFs only: the first pages drawn as PNG images from the verified bytes, by the background worker after upload
    # (portfolio.previews). `preview_pages` lists each image's storage name, SHA-256, width and height in pixels;
    # `page_count` is how many pages the whole PDF has.
    preview = models.CharField(max_length=12, choices=Preview.choices, default=Preview.NOT_MADE, blank=True)
    preview_pages = models.JSONField(default=list, blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)

    objects = EvidenceFileQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_failing(self) -> bool:
        return self.integrity in {self.Integrity.TAMPERED, self.Integrity.MISSING}

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def kind(self) -> str:
        """image, pdf, document, audio or video: for icons and labels."""
        if self.content_type.startswith(("image/", "audio/", "video/")):
            return self.content_type.split("/")[0]
        if self.content_type == "application/pdf":
            return "pdf"
        return "document"

    @property
    def preview_images(self) -> list[dict]:
        """The page images the evidence page shows: number, width and height of each (none unless made)."""
        if self.preview != self.Preview.READY:
            return []
        return [
            {"number": number, "width": page["width"], "height": page["height"]}
            for number, page in enumerate(self.preview_pages, start=1)
        ]

    @property
    def preview_pending(self) -> bool:
        return self.kind == "pdf" and self.preview == self.Preview.NOT_MADE and not self.is_failing

    @property
    def kind_label(self) -> str:
        return {"image": "Photo", "pdf": "PDF", "audio": "Audio", "video": "Video"}.get(self.kind, "Document")
