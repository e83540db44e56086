from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """`manage.py benchmark` and the trivial view it measures against: tooling, never installed in production."""

    name = "benchmarks"
    verbose_name = "Benchmark (tooling)"
