from django.urls import path

from . import views

app_name = "observations"

urlpatterns = [
    path("new/<int:registration_pk>/", views.observation_new, name="observation-new"),
    path("discussion/new/<int:registration_pk>/", views.discussion_new, name="discussion-new"),
    path("records/<int:pk>/confirm/", views.record_confirm, name="record-confirm"),
]
