from django.core.management.base import BaseCommand, CommandError

from exchange.checking import check_zip


class Command(BaseCommand):
    help = (
        "Check a portable portfolio ZIP offline: every file's SHA-256, the hash chain, the decisions against the "
        "chain, and no added files, unsafe paths or zip bombs. Exit status 1 naming what does not match."
    )

    def add_arguments(self, parser):
        parser.add_argument("zip", help="The exported portfolio (.zip).")

    def handle(self, *args, zip: str, **options):
        report = check_zip(zip)
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(problem)
            raise CommandError(f"{zip}: {len(report.problems)} problem(s); the portfolio does not verify.")
        learner = report.manifest.get("learner", {}).get("name", "")
        self.stdout.write(f"{zip}: valid. {learner}: {report.entries} chain entries; every file matches.")
