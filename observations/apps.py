from django.apps import AppConfig


class ObservationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "observations"
    verbose_name = "Observations and professional discussions"

    def ready(self):
        from planning.hooks import visit_actions
        from portfolio.progress import registration_annotations
        from portfolio.sections import evidence_details, registration_actions

        from .dashboard import registration_has_observations_to_confirm
        from .sections import evidence_section, record_actions, visit_record_actions
        from .services import recording  # noqa: F401  (declares the "observation to confirm" notification kind)

        evidence_details.register(evidence_section)
        registration_actions.register(record_actions)
        visit_actions.register(visit_record_actions)
        # A learner's home page reads whether any observation waits for their confirmation with their registrations.
        registration_annotations.register(registration_has_observations_to_confirm)
