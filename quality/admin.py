"""Read-only admin for support staff: quality records change only through the services (and their Events)."""

from django.contrib import admin

from .models import Action, CertificationClaim, EqaComment, PlanAssessor, SampleRecord, SamplingPlan


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PlanAssessorInline(admin.TabularInline):
    model = PlanAssessor
    extra = 0
    can_delete = False
    readonly_fields = ["assessor", "risk", "rate_percent", "reason", "overridden", "override_reason", "updated_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SamplingPlan)
class SamplingPlanAdmin(ReadOnlyAdmin):
    list_display = ["qualification", "centre", "iqa", "period_start", "period_end"]
    list_filter = ["centre"]
    inlines = [PlanAssessorInline]


@admin.register(SampleRecord)
class SampleRecordAdmin(ReadOnlyAdmin):
    list_display = ["registration", "kind", "iqa", "assessor", "outcome", "status", "countersign_status", "sampled_at"]
    list_filter = ["kind", "outcome", "status", "countersign_status"]


@admin.register(Action)
class ActionAdmin(ReadOnlyAdmin):
    list_display = ["assessor", "due_on", "completed_at", "closed_at"]


@admin.register(EqaComment)
class EqaCommentAdmin(ReadOnlyAdmin):
    list_display = ["registration", "unit", "eqa", "at"]


@admin.register(CertificationClaim)
class CertificationClaimAdmin(ReadOnlyAdmin):
    list_display = ["registration", "kind", "claimed_at", "claimed_by", "reference", "certificate_date"]
