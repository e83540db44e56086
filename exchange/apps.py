from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "exchange"
    verbose_name = "Portable portfolio"

    def ready(self) -> None:
        from portfolio.progress import register_carried_units

        from .carried import imported_units_marker, imported_units_provider

        register_carried_units(imported_units_provider, imported_units_marker)
