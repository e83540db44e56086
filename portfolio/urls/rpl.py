"""Recognition of prior learning: a registration's claims, recording, deciding and checking one."""

from django.urls import path

from ..views import rpl as views

urlpatterns = [
    path("registrations/<int:pk>/rpl/", views.rpl_list, name="rpl-list"),
    path("registrations/<int:pk>/rpl/new/", views.rpl_create, name="rpl-create"),
    path("rpl/<int:pk>/", views.rpl_detail, name="rpl-detail"),
    path("rpl/<int:pk>/decide/", views.rpl_decide, name="rpl-decide"),
    path("rpl/<int:pk>/check/", views.rpl_check, name="rpl-check"),
]
