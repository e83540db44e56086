from django.apps import AppConfig


class TrackingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tracking"
    verbose_name = "Tracking sheets and sign-off"

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        # Job functions (`@tracking.jobs.job("kind")`) live in each app's exports.py.
        autodiscover_modules("exports")

        from portfolio.progress import register_carried_units

        from .services.carry import carried_units_marker, carried_units_provider

        # A unit carried over from another registration counts from its sign-off there (progress, sheet, claims).
        register_carried_units(carried_units_provider, carried_units_marker)
