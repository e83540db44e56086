"""The whole-registration PDF: a cover page, every chosen unit's tracking sheet and an index of evidence.

Built in the background (tracking.jobs) because a large portfolio takes a few seconds to lay out.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ledger.services import head_of
from portfolio.access import registrations_for
from portfolio.models import Evidence, EvidenceLink, Registration
from qualifications.services.combination import CombinationResult, check_combination

from .access import visible_unit_ids
from .jobs import JobError, job, save_result
from .models import ExportJob
from .pdf import printed_sheet, render_pdf
from .sheets import Sheet, build_sheets

ROWS_PER_PAGE = 14  # a rough guess, for the progress bar only


@dataclass
class IndexEntry:
    evidence: Evidence
    criteria: list[tuple[str, list[str]]] = field(default_factory=list)  # (unit label, criterion codes)

    @property
    def methods(self) -> list[str]:
        return [method.code for method in self.evidence.methods.all()]


@dataclass
class RegistrationPack:
    registration: Registration
    sheets: list[Sheet]
    combination: CombinationResult
    index: list[IndexEntry]
    partial: bool  # only the units shared with an EQA
    prepared_on: object

    @property
    def estimated_pages(self) -> int:
        sheet_pages = sum(1 + math.ceil(len(sheet.status.criteria) / ROWS_PER_PAGE) for sheet in self.sheets)
        return 1 + sheet_pages + max(1, math.ceil(len(self.index) / 25))


def _index(registration: Registration, sheets: list[Sheet], partial: bool) -> list[IndexEntry]:
    """The learner's current evidence by reference, with the criteria (on these sheets) it was accepted for."""
    unit_labels = {
        sheet.unit.pk: f"Unit {getattr(sheet.unit, 'number_in_qualification', '') or sheet.unit.reference}"
        for sheet in sheets
    }
    evidence = (
        Evidence.objects.filter(registration=registration, is_current=True)
        .exclude(status__in=[Evidence.Status.DRAFT, Evidence.Status.WITHDRAWN])
        .prefetch_related(
            "methods",
            Prefetch(
                "links",
                queryset=EvidenceLink.objects.filter(
                    status=EvidenceLink.Status.ACCEPTED, criterion__unit_id__in=list(unit_labels)
                )
                .select_related("criterion")
                .order_by("criterion__unit_id", "criterion__order"),
            ),
        )
        .order_by("reference")
    )
    order = {unit_id: position for position, unit_id in enumerate(unit_labels)}
    entries = []
    for item in evidence:
        by_unit: dict[int, list[str]] = defaultdict(list)
        for link in item.links.all():
            by_unit[link.criterion.unit_id].append(link.criterion.code)
        if partial and not by_unit:
            continue
        criteria = [
            (unit_labels[unit_id], codes) for unit_id, codes in sorted(by_unit.items(), key=lambda i: order[i[0]])
        ]
        entries.append(IndexEntry(item, criteria))
    return entries


def build_registration_pack(registration: Registration, unit_ids: list[int] | None = None) -> RegistrationPack:
    """Everything the whole-registration PDF shows, in a fixed number of queries."""
    plan_units = list(registration.units.all())
    sheets = build_sheets(registration, [u for u in plan_units if unit_ids is None or u.pk in set(unit_ids)])
    partial = unit_ids is not None and set(unit_ids) != {u.pk for u in plan_units}
    combination = check_combination(
        qualification=registration.qualification, units=plan_units, pathway=registration.pathway
    )
    return RegistrationPack(
        registration=registration,
        sheets=sheets,
        combination=combination,
        index=_index(registration, sheets, partial),
        partial=partial,
        prepared_on=timezone.localdate(),
    )


def registration_pack_html(pack: RegistrationPack) -> str:
    """Every sheet in one document, laid out in one pass with the one print stylesheet."""
    return render_to_string(
        "tracking/pdf/registration.html",
        {
            "pack": pack,
            "registration": pack.registration,
            "printed": [printed_sheet(sheet) for sheet in pack.sheets],
            "chain_head": head_of(pack.registration.pk),
        },
    )


def _may_download(export_job: ExportJob, user) -> bool:
    """The person who asked, while they can still read the registration and every unit in the PDF."""
    if export_job.created_by_id != user.pk:
        return False
    registration = registrations_for(user).filter(pk=export_job.params.get("registration_id")).first()
    if registration is None:
        return False
    return set(export_job.params.get("unit_ids") or []) <= set(visible_unit_ids(user, registration))


@job("registration_pdf", access=_may_download, label="whole-registration PDF")
def build_registration_pdf(export_job: ExportJob) -> None:
    """Params: registration_id, unit_ids (the units the requester may read, in plan order)."""
    registration = (
        Registration.objects.select_related("centre", "learner", "qualification", "assessor", "iqa", "pathway")
        .filter(pk=export_job.params.get("registration_id"), centre_id=export_job.centre_id)
        .first()
    )
    if registration is None:
        raise JobError(_("That registration no longer exists."))
    export_job.report(0, 1, "Gathering the portfolio")
    pack = build_registration_pack(registration, export_job.params.get("unit_ids"))
    if not pack.sheets:
        raise JobError(_("There are no units to print."))
    estimate = pack.estimated_pages
    total = estimate + 2
    export_job.report(1, total, f"Laying out about {estimate} pages")
    html = registration_pack_html(pack)

    def on_page(number: int) -> None:
        if number % 2 == 0:  # every other page is often enough for a bar that refreshes every 2 s
            export_job.report(1 + min(number, estimate), total, f"Laying out page {number}")

    pdf = render_pdf(html, on_page=on_page)
    export_job.report(total - 1, total, "Saving the PDF")
    name = f"portfolio-{slugify(registration.learner.full_name) or registration.pk}-{registration.qualification.number}"
    save_result(export_job, name.replace("/", "-") + ".pdf", pdf)
    export_job.report(total, total, "Ready to download")
