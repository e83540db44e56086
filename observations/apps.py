from django.apps import AppConfig


class ObservationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "observations"
    verbose_name = "Observations and professional discussions"

    def ready(self):
        from portfolio.hooks import evidence_sections, registration_actions

        from .sections import evidence_section, record_actions

        evidence_sections.register(evidence_section)
        registration_actions.register(record_actions)
