from django.conf import settings
from django.urls import path

from . import views

urlpatterns = [path("", views.home, name="home")]

if getattr(settings, "BENCHMARK_VIEWS", False):
    from . import bench_views

    urlpatterns.append(path("bench/trivial/", bench_views.trivial, name="bench-trivial"))
