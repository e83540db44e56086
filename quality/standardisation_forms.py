"""Forms of the standardisation pages: they validate and normalise input; quality.services.standardisation applies
the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qualifications.models import QualificationUnit

from .models import AgreedOutcome, StandardisationCriterion, Verdict
from .services.standardisation.eligibility import evidence_to_standardise, qualification_assessors


class CriterionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code_label} {obj.text}"


class EvidenceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.registration.learner}: {obj.reference}. {obj.title} ({obj.date:%d %b %Y})"


class StartForm(forms.Form):
    """First step: the centre and the unit (of a qualification) to standardise."""

    centre = forms.ModelChoiceField(queryset=None, empty_label=None)
    unit = forms.ChoiceField(label=_("Qualification and unit"))

    def __init__(self, *args, centres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres
        only = list(centres[:2])
        if len(only) == 1:
            self.fields["centre"].widget = forms.HiddenInput()
            self.fields["centre"].initial = only[0].pk
        groups: dict[str, list] = {}
        entries = (
            QualificationUnit.objects.filter(qualification__registrations__centre__in=centres)
            .select_related("qualification", "unit")
            .distinct()
            .order_by("qualification__number", "order", "unit__reference")
        )
        for entry in entries:
            label = f"{entry.qualification.number} {entry.qualification.title}"
            groups.setdefault(label, []).append(
                (f"{entry.qualification_id}-{entry.unit_id}", f"{entry.unit.reference} {entry.unit.title}")
            )
        self.fields["unit"].choices = [("", "Choose a unit")] + list(groups.items())

    def clean_unit(self):
        qualification_id, _, unit_id = self.cleaned_data["unit"].partition("-")
        return int(qualification_id), int(unit_id)


class ActivityForm(forms.Form):
    """Second step: what is judged, against which criteria, by whom."""

    title = forms.CharField(max_length=200, help_text=_("For example: “Autumn standardisation: handling complaints”."))
    evidence = EvidenceChoiceField(
        queryset=None,
        required=False,
        label=_("A learner's evidence"),
        help_text=_("Submitted evidence of a learner on this qualification at the centre."),
    )
    exemplar = forms.CharField(
        label=_("Or an exemplar or observation record"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Write or paste the exemplar, or the record of an observation, that every assessor will judge."),
    )
    criteria = CriterionChoiceField(queryset=None, widget=forms.CheckboxSelectMultiple, label=_("Criteria to judge"))
    assessors = forms.ModelMultipleChoiceField(
        queryset=None, widget=forms.CheckboxSelectMultiple, label=_("Assessors taking part")
    )

    def __init__(self, *args, centre, qualification, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].queryset = evidence_to_standardise(centre, qualification)
        self.fields["criteria"].queryset = unit.criteria.order_by("order")
        self.fields["assessors"].queryset = qualification_assessors(centre, qualification)
        if not self.is_bound:
            self.fields["criteria"].initial = list(unit.criteria.values_list("pk", flat=True))
            self.fields["assessors"].initial = list(self.fields["assessors"].queryset.values_list("pk", flat=True))

    def clean(self):
        data = super().clean()
        if data.get("evidence") and data.get("exemplar", "").strip():
            raise forms.ValidationError(gettext("Choose a learner's evidence or write an exemplar, not both."))
        if not data.get("evidence") and not data.get("exemplar", "").strip():
            raise forms.ValidationError(
                gettext("Choose a learner's evidence or write the exemplar or observation to judge.")
            )
        return data


class JudgementForm(forms.Form):
    """An assessor's verdict and rationale for every criterion of the activity."""

    def __init__(self, *args, criteria: list[StandardisationCriterion], **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for item in criteria:
            self.fields[f"verdict_{item.pk}"] = forms.ChoiceField(
                choices=Verdict.choices, widget=forms.RadioSelect, label=f"Your judgement on {item.criterion.code}"
            )
            self.fields[f"rationale_{item.pk}"] = forms.CharField(
                label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
            )

    def rows(self):
        return [(item, self[f"verdict_{item.pk}"], self[f"rationale_{item.pk}"]) for item in self.criteria]

    def judgements(self) -> dict[int, tuple[str, str]]:
        return {
            item.pk: (self.cleaned_data[f"verdict_{item.pk}"], self.cleaned_data[f"rationale_{item.pk}"])
            for item in self.criteria
        }


class OutcomesForm(forms.Form):
    """The IQA's agreed outcome per criterion and the minutes of the standardisation meeting."""

    minutes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Who attended, what was discussed, where judgements differed and why, what was agreed."),
    )

    def __init__(self, *args, criteria: list[StandardisationCriterion], minutes: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self.fields["minutes"].initial = minutes
        for item in criteria:
            self.fields[f"outcome_{item.pk}"] = forms.ChoiceField(
                choices=[("", "Not yet agreed"), *AgreedOutcome.choices],
                required=False,
                initial=item.agreed_outcome,
                label=f"Agreed outcome for {item.criterion.code}",
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            self.fields[f"note_{item.pk}"] = forms.CharField(
                required=False,
                initial=item.agreed_note,
                label=_("What was agreed and why"),
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=4000,
            )

    def fields_for(self, item):
        return self[f"outcome_{item.pk}"], self[f"note_{item.pk}"]

    def outcomes(self) -> dict[int, tuple[str, str]]:
        return {
            item.pk: (self.cleaned_data[f"outcome_{item.pk}"], self.cleaned_data[f"note_{item.pk}"])
            for item in self.criteria
        }


class StandardisationActionForm(forms.Form):
    assessor = forms.ModelChoiceField(
        queryset=None, empty_label=None, widget=forms.Select(attrs={"class": "form-select"})
    )
    text = forms.CharField(
        label=_("Action"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"})
    )
    due_on = forms.DateField(
        label=_("Due"), widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, assessors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessor"].queryset = assessors
