from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"

    def ready(self):
        from centres.hooks import session_user_values
        from core import periodic

        from . import kinds  # noqa: F401  (declares the kinds every app may send)
        from .services import unread_with_session

        # The bell's unread count comes with the session's row: no query of its own on each page.
        session_user_values.register(unread_with_session)

        # Once a day, each person's notifications waiting for the digest go in one email.
        periodic.register("notification_digest", "notifications.tasks.send_daily_digests", minutes=24 * 60)
