"""Registrations: the learner list, registering (singly and from CSV) and changing a registration."""

from django.urls import path

from ..views import registrations as views

urlpatterns = [
    path("registrations/", views.registration_list, name="registration-list"),
    path("registrations/export.csv", views.registration_export, name="registration-export"),
    path("registrations/new/", views.registration_start, name="registration-start"),
    path("registrations/template.csv", views.registration_csv_template, name="registration-csv-template"),
    path("registrations/check-units/", views.combination_check, name="registration-check-units"),
    path("centres/<int:centre_id>/registrations/new/", views.registration_create, name="registration-create"),
    path("centres/<int:centre_id>/registrations/bulk/", views.registration_bulk, name="registration-bulk"),
    path(
        "centres/<int:centre_id>/registrations/bulk/confirm/",
        views.registration_bulk_confirm,
        name="registration-bulk-confirm",
    ),
    path("registrations/<int:pk>/", views.registration_detail, name="registration-detail"),
    path("registrations/<int:pk>/assessor/", views.registration_move, name="registration-move"),
    path("registrations/<int:pk>/iqa/", views.registration_change_iqa, name="registration-change-iqa"),
    path("registrations/<int:pk>/tutor/", views.registration_change_tutor, name="registration-change-tutor"),
    path("registrations/<int:pk>/identity/", views.registration_identity, name="registration-identity"),
    path(
        "registrations/<int:pk>/initial-assessment/",
        views.registration_initial_assessment,
        name="registration-initial-assessment",
    ),
    path("registrations/<int:pk>/withdraw/", views.registration_withdraw, name="registration-withdraw"),
    path("registrations/<int:pk>/complete/", views.registration_complete, name="registration-complete"),
]
