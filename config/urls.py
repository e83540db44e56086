from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("centres.urls")),
    path("qualifications/", include("qualifications.urls")),
    path("portfolio/", include("portfolio.urls")),
    path("tracking/", include("tracking.urls")),
    path("quality/", include("quality.urls")),
    path("admin/", admin.site.urls),
]
