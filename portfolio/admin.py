"""The Django admin site: read-only views of records that change only through the services."""

from django.contrib import admin

from .models import OccupationalCompetence


# Competence is recorded and verified on the centre admin's pages (each change in the audit history).
@admin.register(OccupationalCompetence)
class OccupationalCompetenceAdmin(admin.ModelAdmin):
    list_display = ["user", "centre", "qualification", "verified_by", "verified_on", "recorded_at"]
    list_filter = ["centre"]
    search_fields = ["user__email", "user__full_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
