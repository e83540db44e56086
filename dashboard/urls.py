from django.urls import include, path

from . import views

dashboard_patterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("centres/<int:centre_pk>/", views.centre_overview_view, name="centre-overview"),
    path("centres/<int:centre_pk>/learners/", views.centre_learners, name="centre-learners"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", include((dashboard_patterns, "dashboard"))),
]
