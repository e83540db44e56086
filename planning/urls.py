from django.urls import path

from .views import feeds, plans, visits

app_name = "planning"

urlpatterns = [
    path("registrations/<int:registration_pk>/plans/", plans.registration_plans, name="registration-plans"),
    path("registrations/<int:registration_pk>/plans/new/", plans.plan_create, name="plan-create"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan-detail"),
    path("plans/<int:pk>/revise/", plans.plan_revise, name="plan-revise"),
    path("plans/<int:pk>/sign/", plans.plan_sign, name="plan-sign"),
    path("calendar/", visits.calendar, name="calendar"),
    path("visits/new/", visits.visit_create, name="visit-create"),
    path("visits/<int:pk>/", visits.visit_detail, name="visit-detail"),
    path("visits/<int:pk>/edit/", visits.visit_edit, name="visit-edit"),
    path("visits/<int:pk>/cancel/", visits.visit_cancel, name="visit-cancel"),
    path("feed/", feeds.feed, name="feed"),
    path("feed/new/", feeds.feed_new, name="feed-new"),
    path("feed/revoke/", feeds.feed_revoke, name="feed-revoke"),
    path("ical/<str:token>.ics", feeds.ical, name="ical"),
]
