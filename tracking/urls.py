from django.urls import path

from . import views

app_name = "tracking"

urlpatterns = [
    path("registrations/<int:registration_pk>/", views.registration_sheets, name="registration"),
    path("registrations/<int:registration_pk>/pdf/", views.registration_pdf, name="registration-pdf"),
    path("registrations/<int:registration_pk>/units/<int:unit_pk>/", views.sheet, name="sheet"),
    path("registrations/<int:registration_pk>/units/<int:unit_pk>/pdf/", views.sheet_pdf, name="sheet-pdf"),
    path("registrations/<int:registration_pk>/units/<int:unit_pk>/sign/", views.sign, name="sign"),
    path("registrations/<int:registration_pk>/units/<int:unit_pk>/reopen/", views.reopen, name="reopen"),
    path("registrations/<int:registration_pk>/carry/", views.carry_over, name="carry-over"),
    path("carried/<int:pk>/withdraw/", views.carry_withdraw, name="carry-withdraw"),
    path("jobs/<int:pk>/", views.job_status, name="job-status"),
    path("jobs/<int:pk>/download/", views.job_download, name="job-download"),
]
