from django.apps import AppConfig


class PlanningConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "planning"
    verbose_name = "Assessment plans and visits"

    def ready(self):
        from core import periodic
        from portfolio.progress import registration_annotations

        from .dashboard import registration_planning_flags

        # A learner's home page reads whether planning has anything for them with their registrations.
        registration_annotations.register(registration_planning_flags)

        # Once a day: plan items due soon or overdue, and visits tomorrow (notifications, told once each).
        periodic.register("plan_items_due", "planning.reminders.remind_plan_items", minutes=24 * 60)
        periodic.register("visits_tomorrow", "planning.reminders.remind_visits_tomorrow", minutes=24 * 60)
