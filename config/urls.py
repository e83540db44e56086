from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("centres.urls")),
    path("qualifications/", include("qualifications.urls")),
    path("portfolio/", include("portfolio.urls")),
    path("tracking/", include("tracking.urls")),
    path("quality/", include("quality.urls")),
    path("admin/", admin.site.urls),
]

if getattr(settings, "BENCHMARK_VIEWS", False):
    # The benchmark settings only (config/settings/benchmark.py): the trivial view the main pages are compared with.
    urlpatterns.append(path("", include("benchmarks.urls")))
