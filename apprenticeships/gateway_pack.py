"""The gateway pack for the end-point assessment organisation: a PDF (the gateway checklist, the apprentice, employer
and standard, the OTJ summary, the progress reviews with their signatures and content hashes, the units signed off
and the KSB coverage) and a ZIP (that PDF, each signed unit's tracking sheet as printed by tracking/pdf.py, and
manifest.json with the SHA-256 of every file). Built only when every item of the gateway checklist is met.

The pack holds no evidence files: it prints the decisions and signatures about them. Should one ever be added, its
bytes must be read through portfolio.integrity.open_verified, as exchange/building.py does."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable
from typing import BinaryIO

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from centres.access import has_role
from centres.models import Role
from portfolio.services.checks import is_assessor
from tracking.pdf import render_pdf, unit_sheet_pdf
from tracking.sheets import build_sheets

from .models import Apprenticeship
from .selectors import ksb_coverage, margin_for, otj_summary
from .services.gateway import gateway_items

FORMAT = "gateway-pack"
FORMAT_VERSION = 1
PDF_NAME = "gateway-pack.pdf"

Progress = Callable[[int, int, str], None]


class PackRefused(Exception):
    """The pack cannot be built as things stand; the message says why."""


def may_download_pack(user, registration) -> bool:
    """The apprentice's own assessor and the admins of the registration's centre."""
    if not user.is_authenticated or not user.is_active:
        return False
    return is_assessor(user, registration) or has_role(user, Role.CENTRE_ADMIN, registration.centre_id)


def not_ready(apprenticeship: Apprenticeship) -> str:
    """Empty when every item of the gateway checklist is met, else "Not ready: ..." naming the items still open."""
    missing = [f"{_(item.label).lower()} ({item.detail})" if item.detail else _(item.label).lower()
               for item in gateway_items(apprenticeship) if not item.met]  # fmt: skip
    if not missing:
        return ""
    return _("Not ready for the gateway pack: %(items)s.") % {"items": "; ".join(missing)}


def base_name(apprenticeship: Apprenticeship) -> str:
    registration = apprenticeship.registration
    learner = slugify(registration.learner.full_name) or str(registration.pk)
    return f"gateway-pack-{learner}-{registration.qualification.number}".replace("/", "-")


def _signed_sheets(registration):
    return [sheet for sheet in build_sheets(registration, methods=[]) if sheet.state.signed_off]


def pack_context(apprenticeship: Apprenticeship, sheets=None) -> dict:
    registration = apprenticeship.registration
    sheets = _signed_sheets(registration) if sheets is None else sheets
    reviews = list(apprenticeship.reviews.prefetch_related("signatures"))
    for review in reviews:
        review.all_signatures = list(review.signatures.all())
    plans = list(apprenticeship.training_plans.prefetch_related("signatures"))
    current_plan = next((plan for plan in plans if plan.superseded_at is None), None)
    breaks = list(apprenticeship.breaks.all())
    units = []
    for sheet in sheets:
        live = sheet.state.live_in_order
        units.append(
            {
                "reference": sheet.unit.reference,
                "title": sheet.unit.title,
                "signed_on": max((signature.signed_at for signature in live), default=None),
                "signatures": live,
                "content_hash": sheet.state.content_hash,
            }
        )
    return {
        "apprenticeship": apprenticeship,
        "registration": registration,
        "items": gateway_items(apprenticeship),
        "summary": otj_summary(
            apprenticeship,
            entries=list(apprenticeship.otj_entries.all()),
            breaks=breaks,
            margin_percent=margin_for(registration.centre_id),
        ),
        "breaks": breaks,
        "reviews": reviews,
        "plan": current_plan,
        "plan_signatures": list(current_plan.signatures.all()) if current_plan else [],
        "units": units,
        "ksb_rows": ksb_coverage(apprenticeship),
        "generated_at": timezone.now(),
    }


def gateway_pack_pdf(apprenticeship: Apprenticeship, sheets=None) -> bytes:
    html = render_to_string("apprenticeships/pdf/gateway_pack.html", pack_context(apprenticeship, sheets))
    return render_pdf(html)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build_gateway_pack(
    apprenticeship: Apprenticeship, *, as_zip: bool, out: BinaryIO, progress: Progress | None = None
) -> None:
    """Write the pack (the PDF alone, or the ZIP) to `out`. Raises PackRefused when the checklist is not met."""
    progress = progress or (lambda done, total, message: None)
    refusal = not_ready(apprenticeship)
    if refusal:
        raise PackRefused(refusal)
    registration = apprenticeship.registration
    sheets = _signed_sheets(registration)
    total = 2 + (len(sheets) if as_zip else 0)
    progress(0, total, _("Printing the gateway pack"))
    pdf = gateway_pack_pdf(apprenticeship, sheets)
    progress(1, total, _("Gateway pack printed"))
    if not as_zip:
        out.write(pdf)
        progress(total, total, _("Done"))
        return
    files: list[dict] = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def add(name: str, data: bytes, what: str) -> None:
            archive.writestr(name, data)
            files.append({"path": name, "sha256": _sha256(data), "bytes": len(data), "what": what})

        add(PDF_NAME, pdf, "The gateway pack")
        for done, sheet in enumerate(sheets, start=2):
            progress(done, total, _("Printing the tracking sheet of %(unit)s") % {"unit": sheet.unit.reference})
            reference = sheet.unit.reference.replace("/", "-")
            add(
                f"tracking-sheets/{reference}.pdf",
                unit_sheet_pdf(sheet),
                f"Signed tracking sheet {sheet.unit.reference}",
            )
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "generated_at": timezone.now().isoformat(),
            "learner": registration.learner.full_name,
            "uln": registration.uln,
            "qualification": registration.qualification.number,
            "standard": apprenticeship.standard_reference,
            "employer": apprenticeship.employer.name,
            "centre": registration.centre.name,
            "files": files,
        }
        archive.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True))
    progress(total, total, _("Done"))
