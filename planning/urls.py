from django.urls import path

from . import views

app_name = "planning"

urlpatterns = [
    path("registrations/<int:registration_pk>/plans/", views.registration_plans, name="registration-plans"),
    path("registrations/<int:registration_pk>/plans/new/", views.plan_create, name="plan-create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan-detail"),
    path("plans/<int:pk>/revise/", views.plan_revise, name="plan-revise"),
    path("plans/<int:pk>/sign/", views.plan_sign, name="plan-sign"),
    path("calendar/", views.calendar, name="calendar"),
    path("visits/new/", views.visit_create, name="visit-create"),
    path("visits/<int:pk>/", views.visit_detail, name="visit-detail"),
    path("visits/<int:pk>/edit/", views.visit_edit, name="visit-edit"),
    path("visits/<int:pk>/cancel/", views.visit_cancel, name="visit-cancel"),
    path("feed/", views.feed, name="feed"),
    path("feed/new/", views.feed_new, name="feed-new"),
    path("feed/revoke/", views.feed_revoke, name="feed-revoke"),
    path("ical/<str:token>.ics", views.ical, name="ical"),
]
