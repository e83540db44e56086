from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "portfolio"

    def ready(self):
        from centres import hooks
        from core import periodic
        from notifications import hooks as notification_hooks

        from . import hooks as answers

        # The centres pages and services ask about learners and caseloads, which only the portfolio knows.
        hooks.learners_registered.register(answers.learners_registered)
        hooks.caseloads.register(answers.caseloads)
        hooks.awaiting_countersignature.register(answers.decisions_awaiting_countersignature)
        hooks.work_with_learner.register(answers.registrations_with_learner)
        # A signed-in page reads the catalogue's version with the session, not in a query of its own.
        hooks.session_user_values.register(answers.catalogue_version_with_session)
        hooks.session_user_loaded.register(answers.remember_catalogue_version)
        # Nobody is notified about a centre they have left: a learner belongs while a registration is active.
        notification_hooks.belonging.register(answers.learners_belonging)

        # Every stored evidence file is re-hashed nightly; a changed or missing one is reported to its centre.
        periodic.register("verify_evidence", "portfolio.integrity.verify_all_evidence", minutes=24 * 60)
        # PDF previews the upload's task did not draw (older files, a lost task) are drawn a batch at a time.
        periodic.register("make_previews", "portfolio.previews.make_missing_previews", minutes=10)
