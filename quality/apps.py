from django.apps import AppConfig


class QualityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "quality"

    def ready(self):
        from tracking.sheets import register_sheet_notes

        from .selectors import pending_sample_notes

        # Tracking sheets on screen say when a trainee IQA's summative sample awaits countersignature.
        register_sheet_notes(pending_sample_notes)
