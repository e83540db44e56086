from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "exchange"
    verbose_name = "Portable portfolio"

    def ready(self) -> None:
        from core import periodic
        from portfolio.progress import register_carried_units
        from quality.services.certification import signed_off_elsewhere

        from . import import_jobs  # noqa: F401  (registers the background import with tracking.jobs)
        from .carried import imported_units_marker, imported_units_provider
        from .trust import imported_units_verified

        register_carried_units(imported_units_provider, imported_units_marker)
        # A claim counts a carried-over unit as achieved while its original sign-off verifies through the chain.
        signed_off_elsewhere.register(imported_units_verified)
        periodic.register(
            "imports_remove_abandoned_uploads", "exchange.import_jobs.remove_abandoned_uploads", minutes=60
        )
