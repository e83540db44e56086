"""Changes made through the Django admin land in the audit history: one event per save or delete, with each changed
field before and after and the superuser who made it. Roles, credentials and countersignatories (Membership), EQA
links, accounts (staff and superuser flags, groups, permissions, password) and groups are all recorded, so that a
change which decides whether sign-offs need countersigning never goes unrecorded.

Done in the ModelAdmin (not in signals): the admin is the one way in that does not already go through a service
that records its own event."""

import datetime as dt
from decimal import Decimal

from django.db import models, transaction

from .models import Centre, record_event

HIDDEN = "(not recorded)"  # what the history shows for a secret field (the password hash), changed or set


def _plain(value):
    """A field's value as the history's JSON stores it."""
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return getattr(value, "email", None) or str(value)
    return value


def snapshot(obj, secret_fields=frozenset()) -> dict:
    """Every concrete and many-to-many field of a saved object, in plain values (related objects by their email or
    name; a secret field by its raw value, only compared and never written out)."""
    values = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key:
            continue
        value = getattr(obj, field.name) if field.is_relation else field.value_from_object(obj)
        values[field.name] = value if field.name in secret_fields else _plain(value)
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            values[field.name] = sorted(_plain(item) for item in getattr(obj, field.name).all())
    return values


def differences(before: dict, after: dict, secret_fields=frozenset()) -> dict:
    changes = {}
    for name in after:
        if before.get(name) != after[name]:
            if name in secret_fields:
                changes[name] = {"from": HIDDEN, "to": HIDDEN}
            else:
                changes[name] = {"from": before.get(name), "to": after[name]}
    return changes


def _centre_of(obj) -> Centre | None:
    if isinstance(obj, Centre):
        return obj
    return getattr(obj, "centre", None) if hasattr(obj, "centre_id") else None


def record_admin_change(*, request, obj, action: str, changes: dict, centre: Centre | None = None) -> None:
    label = obj._meta.verbose_name
    fields = ", ".join(changes) if changes else "no field"
    verb = {"admin.added": "added", "admin.changed": "changed", "admin.deleted": "deleted"}[action]
    summary = f"Django admin: {label} {obj} {verb}" + (f" ({fields})" if action == "admin.changed" else "")
    record_event(
        action=action,
        obj=obj,
        actor=request.user,
        centre=centre,
        summary=summary,
        via="Django admin",
        changes=changes,
    )


class AuditedAdminMixin:
    """Record every add, change and delete made through this ModelAdmin in the audit history, field by field."""

    secret_fields: frozenset[str] = frozenset()

    def save_model(self, request, obj, form, change):
        # The form has already put the new values on `obj`: the values before come from the database.
        before = {}
        if change:
            stored = self.model._base_manager.get(pk=obj.pk)
            before = snapshot(stored, self.secret_fields)
        form._audit_before = before
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        # Called after save_model on every admin save (change form, add form, list editing): many-to-many fields
        # (groups, permissions) are saved here, so the "after" is read here.
        super().save_related(request, form, formsets, change)
        obj = form.instance
        before = getattr(form, "_audit_before", {})
        changes = differences(before, snapshot(obj, self.secret_fields), self.secret_fields)
        if change and not changes:
            return
        action = "admin.changed" if change else "admin.added"
        record_admin_change(request=request, obj=obj, action=action, changes=changes, centre=_centre_of(obj))

    def delete_model(self, request, obj):
        with transaction.atomic():
            self._record_deletion(request, obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self._record_deletion(request, obj)
            super().delete_queryset(request, queryset)

    def _record_deletion(self, request, obj) -> None:
        # Recorded before the row goes (the event names its id); a deleted centre is named in the summary only.
        centre = None if isinstance(obj, Centre) else _centre_of(obj)
        before = snapshot(obj, self.secret_fields)
        changes = {
            name: {"from": value, "to": None} for name, value in before.items() if name not in self.secret_fields
        }
        record_admin_change(request=request, obj=obj, action="admin.deleted", changes=changes, centre=centre)
