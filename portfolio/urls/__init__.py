"""Portfolio URLs, one module per area of work."""

from . import adjustments, evidence, registrations, rpl, staff

app_name = "portfolio"

urlpatterns = [
    *registrations.urlpatterns,
    *evidence.urlpatterns,
    *staff.urlpatterns,
    *rpl.urlpatterns,
    *adjustments.urlpatterns,
]
