from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_schedules(sender, **kwargs):
    from core.periodic import sync_schedules

    sync_schedules()


class TrackingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tracking"
    verbose_name = "Tracking sheets and sign-off"

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        # Job functions (`@tracking.jobs.job("kind")`) live in each app's exports.py.
        autodiscover_modules("exports")

        from django_q.signals import post_spawn

        from core import periodic
        from portfolio.progress import register_carried_units

        from .job_upkeep import on_worker_start
        from .services.carry import carried_units_marker, carried_units_provider

        # A unit carried over from another registration counts from its sign-off there (progress, sheet, claims).
        register_carried_units(carried_units_provider, carried_units_marker)

        # The background jobs' upkeep (tracking/job_upkeep.py), run by the worker (`manage.py qcluster`).
        periodic.register("jobs_watchdog", "tracking.job_upkeep.watchdog", minutes=1)
        periodic.register("jobs_worker_heartbeat", "tracking.job_upkeep.worker_heartbeat", minutes=1)
        periodic.register("jobs_remove_old_results", "tracking.job_upkeep.remove_old_results", minutes=60)
        post_spawn.connect(on_worker_start, dispatch_uid="tracking.job_upkeep.on_worker_start")
        # The schedules follow the declarations after every migrate (and `manage.py setup_schedules`).
        post_migrate.connect(_sync_schedules, sender=self, dispatch_uid="tracking.sync_schedules")
