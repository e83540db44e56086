"""The Django admin site for site administrators. Changes that carry rules go through the services."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from . import services
from .models import (
    Centre,
    CpdEntry,
    EqaLink,
    Event,
    Invitation,
    Membership,
    PersonalInterest,
    User,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["is_active", "last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "full_name", "password"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})]
    actions = ["disable_accounts", "enable_accounts"]

    @admin.action(description="Disable the selected accounts (signed out everywhere at once)")
    def disable_accounts(self, request, queryset):
        self._set_active(request, queryset, active=False)

    @admin.action(description="Enable the selected accounts")
    def enable_accounts(self, request, queryset):
        self._set_active(request, queryset, active=True)

    def _set_active(self, request, queryset, *, active: bool):
        for user in queryset:
            try:
                services.set_account_active(actor=request.user, user=user, active=active, reason="Django admin")
            except services.CentresError as exc:
                self.message_user(request, f"{user.email}: {exc}", messages.ERROR)


@admin.register(Centre)
class CentreAdmin(admin.ModelAdmin):
    list_display = ["name", "centre_number", "cpd_currency_months", "created_at"]
    search_fields = ["name", "centre_number"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "centre", "role", "status", "award", "countersignatory", "is_active"]
    list_filter = ["centre", "role", "status", "is_active"]
    search_fields = ["user__email", "user__full_name"]
    raw_id_fields = ["user", "countersignatory"]


@admin.register(EqaLink)
class EqaLinkAdmin(admin.ModelAdmin):
    list_display = ["user", "centre", "is_active", "created_at"]
    list_filter = ["centre", "is_active"]
    raw_id_fields = ["user"]


@admin.register(PersonalInterest)
class PersonalInterestAdmin(admin.ModelAdmin):
    list_display = ["staff", "learner", "centre", "declared_at"]
    list_filter = ["centre"]
    raw_id_fields = ["staff", "learner"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["user", "centre", "kind", "created_at", "expires_at", "used_at", "revoked_at"]
    list_filter = ["kind", "centre"]
    search_fields = ["user__email"]
    exclude = ["token_hash"]


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["at", "centre", "actor", "action", "object_type", "object_id", "summary"]
    list_filter = ["action", "centre"]
    search_fields = ["summary", "actor__email"]


# CPD is added through the staff pages (each entry in the audit history).
@admin.register(CpdEntry)
class CpdEntryAdmin(ReadOnlyAdmin):
    list_display = ["user", "centre", "date", "activity", "hours"]
    list_filter = ["centre"]
    search_fields = ["user__email", "user__full_name", "activity"]
