"""`manage.py verify_evidence`: re-hash every stored evidence file against the SHA-256 taken at upload.

Prints each file that changed or is missing, then a summary; exits with status 1 when any file is bad, so that the
restore check (docs/deploy.md, section 8) and monitoring can act on it. Newly failing files are reported to their
centre's admins (portfolio.integrity)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from centres.models import Centre
from portfolio.integrity import verify_all_evidence


class Command(BaseCommand):
    help = "Re-hash stored evidence files against their SHA-256; report changed and missing files."

    def add_arguments(self, parser):
        parser.add_argument(
            "--centre", help="only this centre's files: its id or its awarding-body centre number", default=None
        )
        parser.add_argument(
            "--not-verified-days",
            type=int,
            default=None,
            metavar="N",
            help="only files not verified in the last N days (and those already failing)",
        )

    def handle(self, *args, centre=None, not_verified_days=None, **options):
        if not_verified_days is not None and not_verified_days < 0:
            raise CommandError("--not-verified-days must be 0 or more.")
        chosen = self._centre(centre) if centre else None
        verbosity = options.get("verbosity", 1)

        def progress(evidence_file, check):
            if not check.ok:
                registration = evidence_file.evidence.registration
                what = "MISSING" if check.result == "missing" else "CHANGED"
                where = f" ({check.part})" if check.part == "thumbnail" else ""
                self.stdout.write(
                    f"{what}{where}: evidence file {evidence_file.pk} “{evidence_file.original_name}”, evidence "
                    f"{evidence_file.evidence.reference} of registration {registration.pk} at centre "
                    f"{registration.centre_id}, stored as {evidence_file.file.name}"
                )
            elif verbosity > 1:
                self.stdout.write(f"ok: evidence file {evidence_file.pk}")

        summary = verify_all_evidence(centre=chosen, not_verified_days=not_verified_days, progress=progress)
        self.stdout.write(str(summary))
        if summary.bad:
            raise CommandError(f"{summary.bad} evidence file(s) failed the check.")

    def _centre(self, value: str) -> Centre:
        centre = Centre.objects.filter(centre_number=value).first()
        if centre is None and value.isascii() and value.isdigit():
            centre = Centre.objects.filter(pk=int(value)).first()
        if centre is None:
            raise CommandError(f"No centre with id or centre number {value!r}.")
        return centre
