from django.core.management.base import BaseCommand

from exchange.backfill import backfill


class Command(BaseCommand):
    help = "Write the hash chain of every registration recorded before the ledger existed (idempotent)."

    def handle(self, *args, **options):
        written = backfill()
        self.stdout.write(f"{len(written)} registration(s) given a chain, {sum(written.values())} entries in all.")
