"""Create or update the periodic tasks' django-q2 schedules from their declarations (core/periodic.py)."""

from django.core.management.base import BaseCommand

from core.periodic import REGISTRY, sync_schedules


class Command(BaseCommand):
    help = "Make django-q2's schedules match the periodic tasks the apps declare (safe to run again)."

    def handle(self, *args, **options):
        counts = sync_schedules()
        if options.get("verbosity", 1) >= 1:
            names = ", ".join(sorted(REGISTRY)) or "none"
            self.stdout.write(
                f"Periodic tasks: {names}. Created {counts['created']}, updated {counts['updated']}, "
                f"removed {counts['removed']}."
            )
