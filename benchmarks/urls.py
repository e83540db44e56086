"""Routed only under the benchmark settings (BENCHMARK_VIEWS, see config/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("bench/trivial/", views.trivial, name="bench-trivial"),
    path("bench/layout/", views.layout, name="bench-layout"),
]
