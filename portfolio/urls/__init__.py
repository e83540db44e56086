"""Portfolio URLs, one module per area of work."""

from . import evidence, registrations, staff

app_name = "portfolio"

urlpatterns = [*registrations.urlpatterns, *evidence.urlpatterns, *staff.urlpatterns]
