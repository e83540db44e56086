from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db import transaction

from centres.access import remembering_access
from demo import (
    apprenticeships,
    conversations,
    evidence,
    gateway,
    inbox,
    observations,
    people,
    planning,
    quality_assurance,
    registrations,
    signoff,
)

DEMO_PASSWORD = "demo-pass-2026"

# Each step is `seed(context: dict) -> None`, idempotent, adding to the shared context. In this order: each step
# reads what the earlier ones made (people, then registrations, evidence, sign-offs, quality assurance, plans, threads,
# observations and discussions, apprenticeships, the apprentice ready for the gateway (his pack built), then the
# notifications all of those raised).
STEPS = [
    people,
    registrations,
    evidence,
    signoff,
    quality_assurance,
    planning,
    conversations,
    observations,
    apprenticeships,
    gateway,
    inbox,
]


class Command(BaseCommand):
    help = "Create (or bring up to date) the demo centres, people and portfolios. Safe to run again."

    def handle(self, *args, **options):
        # A step that stores files lists their storage names in context["stored_files"]: the services remove the
        # files of a change they refuse, but not those of a change that is rolled back later with all the rest.
        context: dict = {"password": DEMO_PASSWORD, "logins": [], "stored_files": []}
        try:
            # Each person's roles read once for the whole seeding, as within one request (a change to anyone's
            # roles forgets them: centres.signals): the services ask for them some 800 times.
            with transaction.atomic(), remembering_access():
                for step in STEPS:
                    step.seed(context)
        except BaseException:
            _remove_files(context["stored_files"])
            raise
        self.stdout.write(
            self.style.SUCCESS("Demo data is ready. Sign in with any of these (password demo-pass-2026):")
        )
        for email, description in context["logins"]:
            self.stdout.write(f"  {email:<32} {description}")
        if context.get("tour"):
            self.stdout.write("What to look at:")
            for line in context["tour"]:
                self.stdout.write(f"  - {line}")


def _remove_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except Exception:  # noqa: BLE001 - cleaning up must not hide the error that stopped the seeding
            pass
