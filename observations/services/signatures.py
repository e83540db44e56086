"""Signatures on a record: what a signer puts their name to (the words and the criteria, hashed), a signature
given on the assessor's device (a drawn PNG or a typed name, refused if the content changed after it was given), its
entry in the history and the ledger, and the learner's later confirmation in their own account."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from centres.models import record_event
from ledger.services import record as record_in_ledger
from portfolio.services import AlreadyDone, NotAllowed, PortfolioError
from portfolio.services.checks import is_learner

from ..models import AssessmentRecord, RecordSignature

NAME_MAX = 200
SIGNATURE_IMAGE_MAX = 200_000  # characters of a PNG data URL: a phone-sized drawing is a few tens of kilobytes
PNG_PREFIX = "data:image/png;base64,"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class SignatureInput:
    """A signature given on the assessor's device: a drawn PNG (data URL) or a typed name, and the snapshot of the
    content the signer saw (JSON, sent by the page's script when they signed; absent without JavaScript)."""

    name: str = ""
    image: str = ""
    typed: str = ""
    signed_content: str = ""

    @property
    def given(self) -> bool:
        return bool(self.image.strip() or self.typed.strip())


def normalise_text(text: str) -> str:
    # A textarea posts CRLF line ends; the page's script reads LF. Both sign the same words.
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def signable_content(*, title: str, observed: str, location: str, criterion_ids: Iterable) -> dict:
    """What a signer puts their name to on the device: the words and the criteria (the page's script sends the same
    fields, as they stood when the learner signed)."""
    ids = sorted({int(pk) for pk in criterion_ids})
    return {
        "title": normalise_text(title),
        "observed": normalise_text(observed),
        "location": normalise_text(location),
        "criteria": ids,
    }


def content_hash(content: dict) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _snapshot_hash(snapshot: str) -> str | None:
    try:
        data = json.loads(snapshot)
        return content_hash(
            signable_content(
                title=str(data.get("title", "")),
                observed=str(data.get("observed", "")),
                location=str(data.get("location", "")),
                criterion_ids=[int(pk) for pk in data.get("criteria", [])],
            )
        )
    except (ValueError, TypeError, AttributeError):
        return None


UNREADABLE_DRAWING = {
    "learner": gettext_noop("The learner's drawn signature could not be read; clear it and sign again."),
    "witness": gettext_noop("The witness's drawn signature could not be read; clear it and sign again."),
}
CHANGED_AFTER_SIGNING = {
    "learner": gettext_noop(
        "The record changed after the learner signed it: show them the record again and ask them to sign again. "
        "Nothing was saved."
    ),
    "witness": gettext_noop(
        "The record changed after the witness signed it: show them the record again and ask them to sign again. "
        "Nothing was saved."
    ),
}


def _clean_image(image: str, who: str) -> str:
    image = (image or "").strip()
    if not image:
        return ""
    if len(image) > SIGNATURE_IMAGE_MAX or not image.startswith(PNG_PREFIX):
        raise PortfolioError(_(UNREADABLE_DRAWING[who]))
    try:
        head = base64.b64decode(image[len(PNG_PREFIX) :][:32], validate=False)
    except (binascii.Error, ValueError):
        head = b""
    if not head.startswith(PNG_MAGIC):
        raise PortfolioError(_(UNREADABLE_DRAWING[who]))
    return image


def check_signature(signature: SignatureInput, signed_hash: str, who: str) -> tuple[str, str, str]:
    """(how, name, image) for a signature given on the device; refuses a stale one (the content changed after it
    was given)."""
    image = _clean_image(signature.image, who)
    typed = (signature.typed or "").strip()[:NAME_MAX]
    if signature.signed_content:
        if _snapshot_hash(signature.signed_content) != signed_hash:
            raise PortfolioError(_(CHANGED_AFTER_SIGNING[who]))
    how = RecordSignature.How.DRAWN if image else RecordSignature.How.TYPED
    return how, typed, image


def sign_event(record: AssessmentRecord, signature: RecordSignature, actor) -> None:
    with translation.override("en"):  # the audit history stays in English
        summary = (
            f"{signature.get_role_display()} {signature.name} signed the record of evidence "
            f"{record.evidence.reference} ({signature.get_how_display().lower()})"
        )
    record_event(
        action=f"observation.{signature.role}_signed",
        obj=signature,
        actor=actor,
        centre=record.registration.centre,
        registration_id=record.registration_id,
        summary=summary,
        evidence_reference=record.evidence.reference,
        how=signature.how,
        content_hash=signature.content_hash,
    )
    record_in_ledger("record_signature", signature)


@transaction.atomic
def confirm_observation(*, actor, record: AssessmentRecord, signed_hash: str) -> RecordSignature:
    """The learner confirms, signed in to their own account, an observation the assessor left for them to confirm.
    The page showed the record with its content hash: a record that changed since then is refused."""
    record = (
        AssessmentRecord.objects.select_for_update(of=("self",))
        .select_related("registration__centre", "registration__learner", "evidence")
        .get(pk=record.pk)
    )
    if not is_learner(actor, record.registration):
        raise NotAllowed(_("Only the learner may confirm this observation."))
    if record.confirmation != AssessmentRecord.Confirmation.LATER:
        raise PortfolioError(_("This record was signed on the assessor's device; there is nothing to confirm."))
    if record.learner_confirmed_at is not None:
        raise AlreadyDone(_("You have already confirmed this observation."), record)
    if (signed_hash or "") != record.content_hash:
        raise PortfolioError(_("The record changed since you opened it: read it again, then confirm."))
    now = timezone.now()
    signature = RecordSignature.objects.create(
        record=record,
        role=RecordSignature.Role.LEARNER,
        how=RecordSignature.How.ACCOUNT,
        name=actor.full_name,
        user=actor,
        content_hash=record.content_hash,
        signed_at=now,
    )
    record.learner_confirmed_at = now
    record.save(update_fields=["learner_confirmed_at"])
    sign_event(record, signature, actor)
    return signature
