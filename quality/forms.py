"""Forms for quality pages: they validate and normalise input; the services apply the rules."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from centres.models import User
from qualifications.models import Qualification

from .models import Outcome, RecordChecked, SampleKind
from .services.samples import ActionInput, ReviewUnit

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ACTION_ROWS = 3


def academic_year(today: dt.date) -> tuple[dt.date, dt.date]:
    """The September-to-August year containing `today`: the usual period of a centre's sampling plan."""
    start_year = today.year if today.month >= 9 else today.year - 1
    return dt.date(start_year, 9, 1), dt.date(start_year + 1, 8, 31)


class PlanForm(forms.Form):
    centre = forms.ModelChoiceField(queryset=None, empty_label=None)
    qualification = forms.ModelChoiceField(queryset=Qualification.objects.none())
    period_start = forms.DateField(widget=DATE_INPUT)
    period_end = forms.DateField(widget=DATE_INPUT)
    locations = forms.CharField(
        label=_("Assessment locations"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Where learners are assessed, one per line (for example: Training centre; Workplace: Acme Retail)."
        ),
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, centres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres
        if centres.count() == 1:
            self.fields["centre"].widget = forms.HiddenInput()
            self.fields["centre"].initial = centres.first().pk
        self.fields["qualification"].queryset = (
            Qualification.objects.filter(registrations__centre__in=centres).distinct() or Qualification.objects.all()
        )
        start, end = academic_year(timezone.localdate())
        self.fields["period_start"].initial = start
        self.fields["period_end"].initial = end

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", gettext("The period must end on or after the day it starts."))
        return data


class RateOverrideForm(forms.Form):
    assessor = forms.IntegerField(widget=forms.HiddenInput())
    rate_percent = forms.IntegerField(label=_("Rate (%)"), min_value=1, max_value=100)
    reason = forms.CharField(label=_("Why"), max_length=500)


class ClearOverrideForm(forms.Form):
    assessor = forms.IntegerField(widget=forms.HiddenInput())


OUTCOME_CHOICES = [(value, label) for value, label in Outcome.choices]


class SampleReviewForm(forms.Form):
    """An outcome per decision (or one for all of a unit's unmarked decisions), what was checked, feedback
    and up to three actions."""

    location = forms.CharField(
        label=_("Assessment location"),
        max_length=200,
        help_text=_("Where the sampled assessment took place."),
        widget=forms.TextInput(attrs={"list": "plan-locations"}),  # the plan's locations, offered by the page
    )
    records_checked = forms.MultipleChoiceField(
        label=_("Records checked"), choices=RecordChecked.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    feedback = forms.CharField(label=_("Feedback to the assessor"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, reviews: list[ReviewUnit], **kwargs):
        super().__init__(*args, **kwargs)
        self.reviews = reviews
        for review in reviews:
            self.fields[f"all-{review.unit.pk}"] = forms.ChoiceField(
                label=f"Outcome for every decision on {review.unit.reference} not marked below",
                choices=[("", "— mark each decision —")] + OUTCOME_CHOICES,
                required=False,
            )
            for item in review.open_items:
                self.fields[f"outcome-{item.key}"] = forms.ChoiceField(
                    label=f"Outcome for {item.criterion.code}: {item.description}",
                    choices=OUTCOME_CHOICES,
                    required=False,
                    widget=forms.RadioSelect,
                )
                self.fields[f"comment-{item.key}"] = forms.CharField(
                    label=f"Comment on {item.criterion.code}", required=False, max_length=1000
                )
        for index in range(ACTION_ROWS):
            self.fields[f"action-{index}-text"] = forms.CharField(
                label=f"Action {index + 1}", required=False, max_length=1000
            )
            self.fields[f"action-{index}-due"] = forms.DateField(
                label=f"Action {index + 1} due", required=False, widget=DATE_INPUT
            )

    def clean(self):
        data = super().clean()
        outcomes: dict[str, str] = {}
        comments: dict[str, str] = {}
        for review in self.reviews:
            fallback = data.get(f"all-{review.unit.pk}") or ""
            for item in review.open_items:
                outcome = data.get(f"outcome-{item.key}") or fallback
                if outcome:
                    outcomes[item.key] = outcome
                    comments[item.key] = data.get(f"comment-{item.key}") or ""
            if not any(item.key in outcomes for item in review.open_items):
                self.add_error(
                    f"all-{review.unit.pk}",
                    (
                        gettext("Give an outcome for at least one decision on %(reference)s.")
                        % {"reference": review.unit.reference}
                    ),
                )
        actions = []
        for index in range(ACTION_ROWS):
            text = (data.get(f"action-{index}-text") or "").strip()
            due = data.get(f"action-{index}-due")
            if text and due is None:
                self.add_error(f"action-{index}-due", gettext("Give the action a due date."))
            elif due and not text:
                self.add_error(f"action-{index}-text", gettext("Say what the assessor must do."))
            elif text:
                actions.append(ActionInput(text, due))
        data["outcomes"], data["comments"], data["actions"] = outcomes, comments, actions
        return data

    def sections(self) -> list[dict]:
        """Per unit: its review, the "all unmarked decisions" field, and each decision with its fields."""
        result = []
        for review in self.reviews:
            items = []
            for item in review.items:
                if item.conflict:
                    items.append({"item": item, "outcome": None, "comment": None})
                else:
                    items.append(
                        {"item": item, "outcome": self[f"outcome-{item.key}"], "comment": self[f"comment-{item.key}"]}
                    )
            result.append({"review": review, "default": self[f"all-{review.unit.pk}"], "items": items})
        return result

    def action_rows(self):
        return [(self[f"action-{index}-text"], self[f"action-{index}-due"]) for index in range(ACTION_ROWS)]


class SampleStartForm(forms.Form):
    kind = forms.ChoiceField(choices=SampleKind.choices, widget=forms.RadioSelect)


class NoteForm(forms.Form):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)


class SampleCountersignForm(forms.Form):
    outcome = forms.ChoiceField(choices=[("confirm", "Confirm"), ("return", "Return")])
    note = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class CompleteActionForm(forms.Form):
    note = forms.CharField(label=_("What you did"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class ShareForm(forms.Form):
    eqa = forms.ModelChoiceField(label=_("EQA"), queryset=User.objects.none())
    starts_on = forms.DateField(label=_("From"), widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("Until (last day)"), widget=DATE_INPUT)
    items = forms.MultipleChoiceField(
        label=_("What to share"),
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A whole registration, or only some of its units."),
    )
    note = forms.CharField(
        label=_("Note for the EQA (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )

    def __init__(self, *args, eqas, registrations, plan_units: dict[int, list], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["eqa"].queryset = eqas
        if len(eqas) == 1:
            self.fields["eqa"].initial = eqas[0].pk
        choices = []
        self.groups = []
        for registration in registrations:
            whole = (str(registration.pk), f"{registration.learner} – whole registration")
            units = [
                (f"{registration.pk}:{unit.pk}", f"{unit.reference} {unit.title}")
                for unit in plan_units.get(registration.pk, [])
            ]
            choices.append(whole)
            choices.extend(units)
            self.groups.append((registration, whole, units))
        self.fields["items"].choices = choices
        today = timezone.localdate()
        self.fields["starts_on"].initial = today
        self.fields["ends_on"].initial = today + dt.timedelta(days=30)

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", gettext("The share must end on or after the day it starts."))
        parsed = []
        for value in data.get("items") or []:
            registration_id, _, unit_id = value.partition(":")
            parsed.append((int(registration_id), int(unit_id) if unit_id else None))
        data["parsed_items"] = parsed
        return data


class CommentForm(forms.Form):
    unit = forms.IntegerField(required=False, widget=forms.HiddenInput())
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class ClaimForm(forms.Form):
    kind = forms.ChoiceField(choices=[("full", "Full"), ("unit", "Unit")], widget=forms.HiddenInput())
    units = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=[], widget=forms.CheckboxSelectMultiple)
    reference = forms.CharField(label=_("Claim reference"), required=False, max_length=100)
    certificate_date = forms.DateField(required=False, widget=DATE_INPUT)

    def __init__(self, *args, unit_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].choices = list(unit_choices)


class CertificateDateForm(forms.Form):
    certificate_date = forms.DateField(widget=DATE_INPUT)
