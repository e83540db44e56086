"""A portfolio imported from another centre (issue 17, transfer): what was imported, kept frozen.

The ZIP's chain is kept as it was (the start of the new registration's history, whose own chain records its head
in an "imported" entry); the units signed off at the first centre are kept with their original signatures and
hashes, read-only; the evidence files are stored with their SHA-256. Nothing here changes after the import."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from centres.models import Centre
from portfolio.models import Registration
from qualifications.models import Unit
from tracking.models import ExportJob


class FrozenQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("An imported portfolio is kept as it was imported.")


class FrozenModel(models.Model):
    objects = FrozenQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("An imported portfolio is kept as it was imported.")
        super().save(*args, **kwargs)


class PortfolioImport(FrozenModel):
    registration = models.OneToOneField(Registration, on_delete=models.PROTECT, related_name="portfolio_import")
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="portfolio_imports")
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(default=timezone.now)
    source_centre_name = models.CharField(max_length=200)
    source_centre_number = models.CharField(max_length=50, blank=True)
    exported_at = models.CharField(max_length=40, help_text="When the first centre exported it (UTC, as in the ZIP).")
    archive_sha256 = models.CharField(max_length=64, help_text="SHA-256 of the ZIP file as uploaded.")
    chain_length = models.PositiveIntegerField()
    chain_head = models.CharField(max_length=64)
    chain = models.JSONField(help_text="The imported chain's entries, exactly as in chain.json.")
    manifest = models.JSONField()
    # The chains of the centres before the sending one, oldest first, as the ZIP carried them (its `earlier`
    # section): each {"centre": {"name", "number"}, "exported_at", "chain": {"length", "head"}, "entries": [...]}.
    earlier = models.JSONField(default=list, blank=True)
    # The background job that imported it (None for an import made before imports ran in the background).
    job = models.OneToOneField(
        ExportJob, on_delete=models.PROTECT, null=True, blank=True, related_name="portfolio_import"
    )

    def __str__(self) -> str:
        return f"Portfolio imported from {self.source_centre_name} ({self.chain_head[:12]})"

    def parts(self) -> list[dict]:
        """Every chain the import holds, oldest first: the earlier centres' and last the sending centre's own.
        An imported unit or file names its chain by its position here (`part`)."""
        own = {
            "centre": {"name": self.source_centre_name, "number": self.source_centre_number},
            "exported_at": self.exported_at,
            "chain": {"length": self.chain_length, "head": self.chain_head},
            "entries": self.chain,
        }
        return [*self.earlier, own]


class ImportedUnit(FrozenModel):
    """A unit signed off at the first centre, carried over into the new registration read-only."""

    portfolio_import = models.ForeignKey(PortfolioImport, on_delete=models.PROTECT, related_name="units")
    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="imported_units")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    # Where it was signed off: the sending centre, or one before it when that centre had imported it in turn.
    centre_name = models.CharField(max_length=200, blank=True)
    part = models.PositiveSmallIntegerField(default=0, help_text="Which chain of the import (PortfolioImport.parts).")
    signed_off_at = models.DateTimeField()
    # Each live signature as the chain recorded it: role, name, signed_at, sheet_hash, seq, content_hash.
    signatures = models.JSONField()
    # Each criterion decision of the unit as the chain recorded it: criterion, is_met, met_on, decided_by, seq.
    criteria = models.JSONField()

    class Meta:
        ordering = ["unit__reference"]
        constraints = [models.UniqueConstraint(fields=["registration", "unit"], name="unique_imported_unit")]

    def __str__(self) -> str:
        return f"{self.unit} carried over from {self.centre_name or self.portfolio_import.source_centre_name}"

    # tracking.sheets reads the sign-off a carry rests on; an imported unit rests on no local sign-off, and gives
    # its original signatures instead.
    source_sign_off_id = None

    def original_signatures(self) -> list[OriginalSignature]:
        return [
            OriginalSignature(
                role=signature["role"],
                name_at_signing=signature["name"],
                signed_at=parse_datetime(signature["signed_at"]),
                content_hash=signature["sheet_hash"],
                chain_seq=signature.get("seq"),
                centre=self.centre_name,
            )
            for signature in self.signatures
        ]


@dataclass(frozen=True)
class OriginalSignature:
    """A signature given at the first centre, as its chain recorded it (shown on the sheet like a Signature)."""

    role: str
    name_at_signing: str
    signed_at: object
    content_hash: str
    chain_seq: int | None = None  # the entry of the imported chain that recorded it
    centre: str = ""
    pk: None = None


def imported_file_path(instance, filename: str) -> str:
    return f"imported/{instance.registration_id}/{filename}"


class ImportedEvidenceFile(FrozenModel):
    portfolio_import = models.ForeignKey(PortfolioImport, on_delete=models.PROTECT, related_name="files")
    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="imported_files")
    part = models.PositiveSmallIntegerField(default=0, help_text="Which chain of the import (PortfolioImport.parts).")
    chain_seq = models.PositiveIntegerField(help_text="The imported chain's entry that recorded this file.")
    evidence_reference = models.PositiveIntegerField()
    evidence_version = models.PositiveIntegerField()
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    file = models.FileField(upload_to=imported_file_path, max_length=300)

    class Meta:
        ordering = ["evidence_reference", "evidence_version", "chain_seq"]

    def __str__(self) -> str:
        return f"{self.evidence_reference}-v{self.evidence_version} {self.original_name}"


def upload_path(instance, filename: str) -> str:
    return f"imports/pending/{filename}"


class ImportUpload(models.Model):
    """A ZIP uploaded for import, kept only until its background job has checked and imported (or refused) it.

    The job deletes the file and this row when it finishes either way; exchange.import_jobs.remove_abandoned_uploads
    deletes those a job never finished (its worker gave up)."""

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    file = models.FileField(upload_to=upload_path, max_length=300)

    def __str__(self) -> str:
        return f"{self.original_name} uploaded for import ({self.size} bytes)"
