"""Forms of the apprenticeship pages: they validate and normalise input; the services apply the rules."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from portfolio.forms import DateInput

from .models import OtjActivity


class EmployerFields(forms.Form):
    employer_name = forms.CharField(label=_("Employer (organisation)"), max_length=200)
    workplace = forms.CharField(label=_("Workplace"), max_length=300)
    contact_name = forms.CharField(label=_("Employer contact's name"), max_length=200)
    contact_email = forms.EmailField(label=_("Employer contact's email"))


class ApprenticeshipForm(EmployerFields):
    standard_reference = forms.CharField(label=_("Standard reference"), max_length=20, initial="ST0072")
    standard_title = forms.CharField(label=_("Standard title"), max_length=200, initial="Customer service practitioner")
    standard_level = forms.IntegerField(label=_("Level"), min_value=2, max_value=7, initial=2)
    typical_duration_months = forms.IntegerField(
        label=_("Typical duration (months)"), min_value=12, max_value=72, initial=12
    )
    planned_start = forms.DateField(label=_("Planned start"), widget=DateInput)
    planned_end = forms.DateField(label=_("Planned end"), widget=DateInput)
    practical_period_start = forms.DateField(label=_("Practical period starts"), widget=DateInput)
    practical_period_end = forms.DateField(label=_("Practical period ends"), widget=DateInput)
    planned_otj_hours = forms.DecimalField(
        label=_("Planned off-the-job hours"), max_digits=6, decimal_places=1, min_value=Decimal("0.1")
    )
    prior_learning_reduction_hours = forms.DecimalField(
        label=_("Reduction for prior learning (hours)"),
        max_digits=6,
        decimal_places=1,
        min_value=Decimal("0"),
        required=False,
        initial=Decimal("0"),
    )
    prior_learning_reason = forms.CharField(
        label=_("Reason for the reduction"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_prior_learning_reduction_hours(self):
        return self.cleaned_data.get("prior_learning_reduction_hours") or Decimal("0")


class DetailsForm(ApprenticeshipForm):
    """The details without the employer (a change of employer has its own page)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("employer_name", "contact_name", "contact_email"):
            del self.fields[name]


class OtjEntryForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput)
    hours = forms.DecimalField(label=_("Hours"), max_digits=4, decimal_places=1)
    activity_type = forms.ChoiceField(label=_("Activity"), choices=OtjActivity.choices)
    description = forms.CharField(label=_("What was learnt"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    criteria = forms.ModelMultipleChoiceField(
        label=_("Knowledge, skills, behaviours or criteria it develops"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    evidence = forms.ModelChoiceField(label=_("Evidence (optional)"), queryset=None, required=False)
    new_learning = forms.BooleanField(label=_("It taught new knowledge, skills or behaviours"), required=False)
    relevant_to_standard = forms.BooleanField(
        label=_("It is directly relevant to the apprenticeship standard"), required=False
    )
    within_paid_hours = forms.BooleanField(label=_("It took place within paid working hours"), required=False)

    def __init__(self, *args, criteria, evidence, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria"].queryset = criteria
        self.fields["criteria"].label_from_instance = lambda c: (
            f"{c.unit.reference} {c.learning_outcome.number} · {c.code}: {c.text[:80]}"
        )
        self.fields["evidence"].queryset = evidence
        self.fields["evidence"].label_from_instance = lambda e: f"{e.reference}. {e.title}"


class ReviewForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DateInput)
    targets_set = forms.CharField(label=_("Targets set"), widget=forms.Textarea(attrs={"rows": 3}))
    targets_met = forms.CharField(
        label=_("Targets met since the last review"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    english_maths = forms.CharField(
        label=_("English and maths"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    wellbeing = forms.CharField(label=_("Wellbeing check"), widget=forms.Textarea(attrs={"rows": 2}))
    safeguarding = forms.CharField(label=_("Safeguarding check"), widget=forms.Textarea(attrs={"rows": 2}))
    employer_comments = forms.CharField(
        label=_("Employer's comments"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class BreakForm(forms.Form):
    starts_on = forms.DateField(label=_("Break starts"), widget=DateInput)
    ends_on = forms.DateField(label=_("Break ends (if known)"), widget=DateInput, required=False)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class BreakEndForm(forms.Form):
    ends_on = forms.DateField(label=_("Break ended on"), widget=DateInput)


class EmployerSignForm(forms.Form):
    signed_name = forms.CharField(label=_("Your full name (your signature)"), max_length=200)
    confirm = forms.BooleanField(label=_("I have read this and I am the employer contact named"), required=False)
