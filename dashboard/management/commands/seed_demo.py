import importlib

from django.core.management.base import BaseCommand
from django.db import transaction

DEMO_PASSWORD = "demo-pass-2026"

# Each step is `seed(context: dict) -> None`, idempotent, adding to the shared context.
STEPS = ["centres.demo", "portfolio.demo_registrations", "portfolio.demo_evidence", "tracking.demo", "quality.demo"]


class Command(BaseCommand):
    help = "Create (or bring up to date) the demo centres, people and portfolios. Safe to run again."

    def handle(self, *args, **options):
        context: dict = {"password": DEMO_PASSWORD, "logins": []}
        with transaction.atomic():
            for name in STEPS:
                try:
                    module = importlib.import_module(name)
                except ModuleNotFoundError as exc:
                    if exc.name != name:
                        raise
                    continue
                module.seed(context)
        self.stdout.write(
            self.style.SUCCESS("Demo data is ready. Sign in with any of these (password demo-pass-2026):")
        )
        for email, description in context["logins"]:
            self.stdout.write(f"  {email:<32} {description}")
