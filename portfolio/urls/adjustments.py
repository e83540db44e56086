"""Reasonable adjustments and special considerations, and the centre's register of them."""

from django.urls import path

from ..views import adjustments as views
from ..views import files

urlpatterns = [
    path("registrations/<int:pk>/adjustments/new/", views.adjustment_create, name="adjustment-create"),
    path("adjustments/<int:pk>/", views.adjustment_detail, name="adjustment-detail"),
    path("adjustments/<int:pk>/decide/", views.adjustment_decide, name="adjustment-decide"),
    path("adjustments/<int:pk>/files/", views.adjustment_files, name="adjustment-files"),
    path("adjustments/files/<int:pk>/", files.adjustment_file, name="adjustment-file"),
    path("centres/<int:centre_pk>/adjustments/", views.adjustment_register, name="adjustment-register"),
    path("centres/<int:centre_pk>/adjustments.csv", views.adjustment_register_csv, name="adjustment-register-csv"),
]
