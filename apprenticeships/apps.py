from django.apps import AppConfig


class ApprenticeshipsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apprenticeships"
    verbose_name = "Apprenticeships"

    def ready(self):
        from centres.hooks import session_user_values
        from core import periodic
        from portfolio.progress import registration_annotations

        from . import reminders  # noqa: F401  (declares the notification kinds)
        from .dashboard import employer_contact_with_session, registration_is_apprenticeship

        # The home page reads whether the person is an apprentice or an employer contact with what it reads anyway.
        registration_annotations.register(registration_is_apprenticeship)
        session_user_values.register(employer_contact_with_session)

        # Once a day: progress reviews due soon or overdue, to the assessor (told once per review and state).
        periodic.register("reviews_due", "apprenticeships.reminders.remind_reviews_due", minutes=24 * 60)
