"""The catalogue in the admin: read-only, because load_catalogue writes it from the fixtures (edit those and
reload); only the assessment methods, which a centre may extend, can be added and changed here."""

from django.contrib import admin

from qualifications.cache import bump_catalogue_version
from qualifications.models import (
    AssessmentCriterion,
    AssessmentMethod,
    AwardingBody,
    CatalogueNote,
    CriterionWording,
    LearningOutcome,
    Pathway,
    Qualification,
    QualificationUnit,
    Unit,
    UnitGroup,
)


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    show_change_link = True


class QualificationUnitInline(ReadOnlyInline):
    model = QualificationUnit
    fields = ["number", "unit", "mandatory", "group"]
    readonly_fields = fields


class UnitGroupInline(ReadOnlyInline):
    model = UnitGroup
    fields = ["name", "min_units"]
    readonly_fields = fields
    show_change_link = False


@admin.register(AwardingBody)
class AwardingBodyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["name", "code"]


@admin.register(Pathway)
class PathwayAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["name", "code", "description"]


@admin.register(Qualification)
class QualificationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["number", "title", "awarding_body", "level", "credit", "glh"]
    list_filter = ["awarding_body", "level"]
    search_fields = ["number", "title"]
    list_select_related = ["awarding_body"]
    inlines = [UnitGroupInline, QualificationUnitInline]


class LearningOutcomeInline(ReadOnlyInline):
    model = LearningOutcome
    fields = ["number", "text"]
    readonly_fields = fields


@admin.register(Unit)
class UnitAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["reference", "title", "level", "credit", "glh"]
    list_filter = ["level"]
    search_fields = ["reference", "title"]
    inlines = [LearningOutcomeInline]


class AssessmentCriterionInline(ReadOnlyInline):
    model = AssessmentCriterion
    fields = ["code", "text", "pathway", "guidance"]
    readonly_fields = fields


@admin.register(LearningOutcome)
class LearningOutcomeAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["unit", "number", "text"]
    list_select_related = ["unit"]
    search_fields = ["unit__reference", "text"]
    inlines = [AssessmentCriterionInline]


class CriterionWordingInline(ReadOnlyInline):
    model = CriterionWording
    fields = ["pathway", "text"]
    readonly_fields = fields


@admin.register(AssessmentCriterion)
class AssessmentCriterionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["unit", "code", "printed_code", "text", "pathway"]
    list_filter = ["pathway", "kind"]
    list_select_related = ["unit", "pathway"]
    search_fields = ["unit__reference", "code", "printed_code", "text"]
    inlines = [CriterionWordingInline]


@admin.register(CatalogueNote)
class CatalogueNoteAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["source", "kind", "qualification", "unit", "criterion", "field", "shown_on_sheet"]
    list_filter = ["kind", "source", "shown_on_sheet"]
    list_select_related = ["qualification", "unit", "criterion"]
    search_fields = ["explanation", "printed", "corrected", "unit__reference"]


@admin.register(AssessmentMethod)
class AssessmentMethodAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "order"]
    list_editable = ["order"]

    def has_delete_permission(self, request, obj=None):
        # Evidence records the methods it used; a method is retired by renaming, never removed.
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        bump_catalogue_version()  # the method key is held in memory with the catalogue (qualifications.cache)
