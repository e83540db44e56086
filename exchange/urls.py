from django.urls import path

from . import views

app_name = "exchange"

urlpatterns = [
    path("registrations/<int:pk>/export/", views.portfolio_export, name="portfolio-export"),
]
