"""Forms of the reasonable adjustment pages: they validate and normalise input; portfolio.services.adjustments
applies the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from portfolio.models import Adjustment
from qualifications.models import Qualification, Unit

from .services.adjustments import ASSESSMENTS_MAX, TEXT_MAX


class UnitChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, unit):
        return f"{unit.reference} {unit.title}"


class AdjustmentRequestForm(forms.Form):
    kind = forms.ChoiceField(choices=Adjustment.Kind.choices, widget=forms.RadioSelect)
    what = forms.CharField(label=_("What is asked for"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}))
    why = forms.CharField(label=_("Why it is needed"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}))
    units = UnitChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        label=_("Units it applies to"),
        help_text=_("None ticked: every unit."),
    )
    assessments = forms.CharField(
        label=_("Assessments it applies to (optional)"),
        max_length=ASSESSMENTS_MAX,
        required=False,
        help_text=_("For example: “the observation for 3.4”, “written questions”."),
    )

    def __init__(self, *args, registration, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = Unit.objects.filter(pk__in=registration.plan.values("unit_id")).order_by(
            "reference"
        )


class AdjustmentDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("refuse", "Refuse")], widget=forms.RadioSelect, label=_("Decision")
    )
    adjusted = forms.CharField(
        label=_("What was adjusted (when approved)"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    reason = forms.CharField(
        label=_("Reason (needed when refused)"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AdjustmentFilterForm(forms.Form):
    kind = forms.ChoiceField(choices=[("", "Any kind"), *Adjustment.Kind.choices], required=False)
    status = forms.ChoiceField(choices=[("", "Any decision"), *Adjustment.Status.choices], required=False)
    qualification = forms.ModelChoiceField(
        queryset=Qualification.objects.none(), required=False, empty_label=_("Any qualification")
    )

    def __init__(self, *args, qualifications, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["qualification"].queryset = qualifications
