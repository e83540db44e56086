from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data behind `manage.py seed_demo` (used by scripts/quickstart): tooling at the top layer, made
    through the product's services; never installed in production."""

    name = "demo"
    verbose_name = "Demo data (tooling)"
