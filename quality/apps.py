from django.apps import AppConfig


class QualityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "quality"

    def ready(self):
        from centres import hooks
        from core import periodic
        from portfolio.progress import registration_annotations
        from tracking.sheets import sheet_notes

        from .hooks import learner_has_claims, samples_awaiting_countersignature
        from .selectors import pending_sample_notes

        # Tracking sheets on screen say when a trainee IQA's summative sample awaits countersignature.
        sheet_notes.register(pending_sample_notes)
        # A trainee IQA's role cannot end, nor their award be recorded, while their samples await countersignature.
        hooks.awaiting_countersignature.register(samples_awaiting_countersignature)
        # A learner's home page reads whether they have any certificate claim with their registrations.
        registration_annotations.register(learner_has_claims)
        # Each morning's reminder of IQA actions due that day (notifications: "IQA action raised or due").
        periodic.register("iqa_actions_due", "quality.reminders.remind_actions_due", minutes=24 * 60)
