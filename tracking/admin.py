"""Read-only admin views: signatures and sign-offs change only through tracking.services.signoff."""

from django.contrib import admin

from .models import ExportJob, Signature, UnitSignOff, WorkerSighting


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SignatureInline(admin.TabularInline):
    model = Signature
    fields = ["role", "name_at_signing", "signed_at", "content_hash", "voided_at", "void_reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(UnitSignOff)
class UnitSignOffAdmin(ReadOnlyAdmin):
    list_display = ["registration", "unit", "created_at"]
    list_select_related = ["registration__learner", "registration__qualification", "unit"]
    inlines = [SignatureInline]


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdmin):
    list_display = ["kind", "centre", "created_by", "status", "attempts", "created_at", "heartbeat_at", "finished_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["centre", "created_by"]


@admin.register(WorkerSighting)
class WorkerSightingAdmin(ReadOnlyAdmin):
    list_display = ["host", "seen_at"]
