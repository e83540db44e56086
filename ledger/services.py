"""Appending to a registration's hash chain and checking it.

The apps above call `append` from their services at the moment a thing is recorded (inside their transaction, so
an entry exists exactly when the thing does); `record(kind, obj)` builds the content with ledger.entries first."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from . import entries
from .hashing import canonical, entry_hash, sha256_text, timestamp
from .models import GENESIS, ChainEntry, ChainHead


@transaction.atomic
def append(registration_id: int, kind: str, ref: str, content: dict) -> ChainEntry:
    """Add one entry to the end of the registration's chain, under a lock on its head."""
    head = _locked_head(registration_id)
    now = timezone.now()
    text = canonical(content)
    seq = head.length + 1
    entry = ChainEntry(
        registration_id=registration_id,
        seq=seq,
        kind=kind,
        object_ref=ref,
        content=text,
        content_hash=sha256_text(text),
        previous_hash=head.head_hash,
        recorded_at=now,
    )
    entry.entry_hash = _entry_hash(entry)
    entry.save()
    ChainHead.objects.filter(pk=head.pk).update(length=seq, head_hash=entry.entry_hash, updated_at=now)
    return entry


def record(kind: str, obj) -> ChainEntry:
    """Append what `obj` is, as ledger.entries describes a `kind`: the one line the services above call."""
    registration_id, ref, content = entries.describe(kind, obj)
    return append(registration_id, kind, ref, content)


def _locked_head(registration_id: int) -> ChainHead:
    head = ChainHead.objects.select_for_update().filter(registration_id=registration_id).first()
    if head is not None:
        return head
    try:
        with transaction.atomic():
            ChainHead.objects.create(registration_id=registration_id)
    except IntegrityError:
        pass  # another transaction started this chain first; lock theirs
    return ChainHead.objects.select_for_update().get(registration_id=registration_id)


def _entry_hash(entry: ChainEntry) -> str:
    return entry_hash(
        seq=entry.seq,
        kind=entry.kind,
        object_ref=entry.object_ref,
        recorded_at=timestamp(entry.recorded_at),
        content_hash=entry.content_hash,
        previous_hash=entry.previous_hash,
    )


@dataclass(frozen=True)
class ChainCheck:
    length: int
    head: str
    bad_seq: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.bad_seq is None


def head_of(registration_id: int) -> ChainHead | None:
    return ChainHead.objects.filter(registration_id=registration_id).first()


def verify(registration) -> ChainCheck:
    """Recompute the registration's chain from its first entry; name the first entry that does not match."""
    registration_id = getattr(registration, "pk", registration)
    previous, length = GENESIS, 0
    for expected, entry in enumerate(ChainEntry.objects.filter(registration_id=registration_id).order_by("seq"), 1):
        problem = ""
        if entry.seq != expected:
            problem = f"entry {expected} is missing (found entry {entry.seq} in its place)"
        elif entry.previous_hash != previous:
            problem = "its previous hash does not match the entry before it"
        elif sha256_text(entry.content) != entry.content_hash:
            problem = "its content does not match its content hash"
        elif _entry_hash(entry) != entry.entry_hash:
            problem = "its entry hash does not match what it records"
        if problem:
            return ChainCheck(length=length, head=previous, bad_seq=expected, reason=f"Entry {expected}: {problem}.")
        previous, length = entry.entry_hash, entry.seq
    head = head_of(registration_id)
    if head is not None and (head.length != length or head.head_hash != previous):
        return ChainCheck(
            length=length, head=previous, bad_seq=length + 1, reason=f"Entry {length + 1}: removed from the chain."
        )
    return ChainCheck(length=length, head=previous)
