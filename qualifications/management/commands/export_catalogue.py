import json

from django.core.management.base import BaseCommand

from qualifications.services.export import export_catalogue


class Command(BaseCommand):
    help = (
        "Print the whole catalogue (qualifications, rules of combination, units, outcomes, criteria with their "
        "printed codes, kinds, wordings and guidance, and the catalogue notes) as JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("--indent", type=int, default=2, help="Spaces of indentation (0 for one line).")

    def handle(self, *args, indent: int, **options):
        data = export_catalogue()
        self.stdout.write(json.dumps(data, indent=indent or None, ensure_ascii=False))
