from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "conversations"

    def ready(self):
        from portfolio import sections

        from . import services  # noqa: F401  (declares the "new message" notification kind)
        from .sections import evidence_thread_section, unit_thread_section

        # The evidence page and the unit progress page show their thread, with a form to reply.
        sections.evidence_sections.register(evidence_thread_section)
        sections.unit_sections.register(unit_thread_section)
