"""The Django admin site for site administrators. Changes that carry rules go through the services; every other
change made here is recorded in the audit history, field by field (centres.admin_audit)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db import transaction

from . import services
from .admin_audit import HIDDEN, AuditedAdminMixin, record_admin_change
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
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
    secret_fields = frozenset({"password"})
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

    def user_change_password(self, request, id, form_url=""):
        """The admin's own password form saves without save_model: a changed password is recorded here (that it
        changed and who changed it, never the hash)."""
        with transaction.atomic():
            before = User.objects.filter(pk=id).values_list("password", flat=True).first()
            response = super().user_change_password(request, id, form_url)
            user = User.objects.filter(pk=id).first()
            if user is not None and before is not None and user.password != before:
                changes = {"password": {"from": HIDDEN, "to": HIDDEN}}
                record_admin_change(request=request, obj=user, action="admin.changed", changes=changes)
        return response

    def _set_active(self, request, queryset, *, active: bool):
        for user in queryset:
            try:
                services.set_account_active(actor=request.user, user=user, active=active, reason="Django admin")
            except services.CentresError as exc:
                self.message_user(request, f"{user.email}: {exc}", messages.ERROR)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(AuditedAdminMixin, BaseGroupAdmin):
    """Django's group admin, recorded: a group's permissions become its members' permissions."""


@admin.register(Centre)
class CentreAdmin(AuditedAdminMixin, admin.ModelAdmin):
    readonly_fields = ["created_at"]
    list_display = ["name", "centre_number", "cpd_currency_months", "created_at"]
    search_fields = ["name", "centre_number"]


class MembershipAdminForm(forms.ModelForm):
    """The admin's role form keeps the staff pages' rules (centres.services.check_credential_change): an award held
    or worked towards as the specifications name it, a qualified countersignatory, and nobody recorded as qualified
    while decisions of theirs wait for countersigning."""

    class Meta:
        model = Membership
        fields = ["user", "centre", "role", "is_active", *services.CREDENTIAL_FIELDS]

    def clean(self):
        cleaned = super().clean()
        role, user, centre = cleaned.get("role"), cleaned.get("user"), cleaned.get("centre")
        if not role or user is None or centre is None:
            return cleaned  # the missing field has its own error
        credential = services.Credential(
            **{name: cleaned.get(name) for name in services.CREDENTIAL_FIELDS if name in cleaned}
        )
        stored = Membership.objects.filter(pk=self.instance.pk).first() if self.instance.pk else None
        membership = stored or Membership(user=user, centre=centre, role=role)
        try:
            services.check_credential_change(membership=membership, role=role, credential=credential)
        except services.StaffError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return cleaned


@admin.register(Membership)
class MembershipAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = MembershipAdminForm
    list_display = ["user", "centre", "role", "status", "award", "countersignatory", "is_active"]
    list_filter = ["centre", "role", "status", "is_active"]
    search_fields = ["user__email", "user__full_name"]
    raw_id_fields = ["user", "countersignatory"]
    # When a record was made is not edited (the admin's form would also drop its microseconds on every save).
    readonly_fields = ["created_at"]

    def has_delete_permission(self, request, obj=None):
        # A role ends (is_active off, or centres.services.end_membership) and stays in the records.
        return False


@admin.register(EqaLink)
class EqaLinkAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["user", "centre", "is_active", "created_at"]
    list_filter = ["centre", "is_active"]
    raw_id_fields = ["user"]
    readonly_fields = ["created_at"]


@admin.register(PersonalInterest)
class PersonalInterestAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["staff", "learner", "centre", "declared_at"]
    readonly_fields = ["declared_at"]
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


# The admin pages of the libraries we sign in and run jobs with: allauth's email addresses, authenticators (MFA)
# and single sign-on accounts are credentials; django-q2's schedules decide what the worker runs. Their changes go
# into the audit history like every other admin change. (Their apps come before ours in INSTALLED_APPS, so their
# admins are registered by the time this module is imported.)
AUDITED_LIBRARY_APPS = {"account", "mfa", "socialaccount", "django_q"}


def _audit_library_admins() -> None:
    for model, model_admin in admin.site._registry.copy().items():
        if model._meta.app_label in AUDITED_LIBRARY_APPS and not isinstance(model_admin, AuditedAdminMixin):
            base = type(model_admin)
            admin.site.unregister(model)
            admin.site.register(model, type(f"Audited{base.__name__}", (AuditedAdminMixin, base), {}))


_audit_library_admins()
