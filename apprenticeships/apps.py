from django.apps import AppConfig


class ApprenticeshipsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apprenticeships"
    verbose_name = "Apprenticeships"

    def ready(self):
        from core import periodic

        from . import reminders  # noqa: F401  (declares the notification kinds)

        # Once a day: progress reviews due soon or overdue, to the assessor (told once per review and state).
        periodic.register("reviews_due", "apprenticeships.reminders.remind_reviews_due", minutes=24 * 60)
