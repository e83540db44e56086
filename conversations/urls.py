from django.urls import path

from . import views

app_name = "conversations"

urlpatterns = [
    path("evidence/<int:pk>/", views.evidence_thread, name="evidence-thread"),
    path("registrations/<int:pk>/units/<int:unit_pk>/", views.unit_thread, name="unit-thread"),
]
