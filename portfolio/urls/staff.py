"""Occupational competence of a centre's staff (beside the staff pages of centres; here, as it uses the catalogue)."""

from django.urls import path

from ..views import staff as views

urlpatterns = [
    path("centres/<int:centre_id>/staff/<int:pk>/competence/", views.staff_competence, name="staff-competence"),
    path("centres/<int:centre_id>/competence/<int:pk>/verify/", views.competence_verify, name="competence-verify"),
]
