from pathlib import Path

from django.core.management.base import BaseCommand

from qualifications.services.catalogue import FIXTURES_DIR, load_catalogue


class Command(BaseCommand):
    help = "Load (or update in place) the qualification catalogue from fixtures/catalogue/*.json."

    def add_arguments(self, parser):
        parser.add_argument("--directory", type=Path, default=FIXTURES_DIR)

    def handle(self, *args, directory: Path, **options):
        report = load_catalogue(directory)
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(warning))
        self.stdout.write(
            self.style.SUCCESS(
                f"Catalogue loaded from {report.files} files: {report.qualifications} qualifications, "
                f"{report.units} units, {report.learning_outcomes} learning outcomes, {report.criteria} criteria, "
                f"{report.notes} notes."
            )
        )
