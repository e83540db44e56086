"""The per-registration hash chain: every evidence file, evidence version, link, judgement, decision, countersignature
and signature recorded for a learner's registration, each entry hashing its own content and the previous entry's hash.

Append-only: the model refuses changes in Python and a database trigger (migration 0002) refuses UPDATE and
DELETE whoever sends them."""

from django.db import models
from django.utils import timezone

GENESIS = "0" * 64


class ChainEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The hash chain is only ever added to.")

    def delete(self):
        raise TypeError("The hash chain is only ever added to.")


class ChainEntry(models.Model):
    # A plain id, not a foreign key: the ledger sits below the portfolio (see pyproject's layers).
    registration_id = models.BigIntegerField(db_index=True)
    seq = models.PositiveIntegerField(help_text="Position in the registration's chain, from 1.")
    kind = models.CharField(max_length=40)
    object_ref = models.CharField(max_length=80, help_text="What the entry records, as kind:id (evidence-file:12).")
    content = models.TextField(help_text="The recorded content as canonical JSON (sorted keys, no spaces).")
    content_hash = models.CharField(max_length=64)
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = ChainEntryQuerySet.as_manager()

    class Meta:
        ordering = ["registration_id", "seq"]
        verbose_name_plural = "chain entries"
        constraints = [models.UniqueConstraint(fields=["registration_id", "seq"], name="unique_chain_position")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind} {self.object_ref} ({self.entry_hash[:12]})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("The hash chain is only ever added to.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The hash chain is only ever added to.")


class ChainHead(models.Model):
    """The latest entry of one registration's chain. Appends lock this row (select_for_update), so concurrent
    appends to one registration queue behind each other and the chain stays in order; pages read the head here."""

    registration_id = models.BigIntegerField(unique=True)
    length = models.PositiveIntegerField(default=0)
    head_hash = models.CharField(max_length=64, default=GENESIS)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Registration {self.registration_id}: {self.length} entries, head {self.head_hash[:12]}"
