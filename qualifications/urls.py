from django.urls import path

from . import views

app_name = "qualifications"

urlpatterns = [
    path("", views.qualification_list, name="list"),
    path("<int:pk>/", views.qualification_detail, name="detail"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
    path("search/", views.criterion_search, name="search"),
    path("notes/", views.notes, name="notes"),
]
