from django.urls import path

from . import views

app_name = "exchange"

urlpatterns = [
    path("registrations/<int:pk>/export/", views.portfolio_export, name="portfolio-export"),
    path("centres/<int:centre_pk>/import/", views.portfolio_import, name="portfolio-import"),
    path("registrations/<int:pk>/imported/", views.imported, name="imported"),
    path("imported-files/<int:pk>/", views.imported_file, name="imported-file"),
]
