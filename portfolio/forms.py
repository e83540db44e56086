"""Forms of the evidence pages: they validate and normalise input only; the services apply the rules."""

from __future__ import annotations

import uuid

from django import forms
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portfolio.models import Evidence
from portfolio.services.evidence import NOT_RECORDED_BY_LEARNER, SIMULATION_REASON_MAX
from qualifications.models import AssessmentMethod

LOCATION_SUGGESTIONS = 50


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MethodsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, method):
        return f"{method.name} ({method.code})"


def new_token() -> str:
    return uuid.uuid4().hex


class EvidenceForm(forms.Form):
    """Title, date, written record and methods. Files are read from the request by the view (the uploads are
    streamed and checked by portfolio.uploads, not by the form)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    date = forms.DateField(label=_("Date"), widget=DateInput, help_text=_("When the evidence was produced."))
    description = forms.CharField(
        label=_("Description or written record"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "What the evidence shows, or the record itself: a reflective account, questions and the "
            "learner's answers, notes of an observation or professional discussion."
        ),
        max_length=50_000,
    )
    methods = MethodsField(queryset=AssessmentMethod.objects.all(), label=_("Assessment methods"))
    location = forms.CharField(
        label=_("Assessment location (optional)"),
        required=False,
        max_length=200,
        help_text=_(
            "Where the assessment took place, for example “Workplace: Northgate store”, “Training centre” or "
            "“Remote”: type it, or pick one already used at your centre."
        ),
    )
    simulation_reason = forms.CharField(
        label=_("Why simulation? (needed when Simulation is ticked)"),
        required=False,
        max_length=SIMULATION_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "For example, why workplace evidence was not available. Some units must be assessed in real work: "
            "simulated evidence cannot be linked to them."
        ),
    )
    submission_token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, for_learner=False, keep_codes=(), centre=None, **kwargs):
        super().__init__(*args, **kwargs)
        if for_learner:
            # The learner's form offers only the methods of their own evidence (the service refuses the others).
            hidden = set(NOT_RECORDED_BY_LEARNER) - set(keep_codes)
            self.fields["methods"].queryset = AssessmentMethod.objects.exclude(code__in=hidden)
            self.fields["methods"].help_text = _(
                "Observation, questioning and professional discussion are recorded by your assessor, witness "
                "testimony by the witness."
            )
        # Offer the locations already used at the centre, so that one place is always spelled the same way.
        self.location_suggestions = locations_used_at(centre) if centre is not None else []
        if self.location_suggestions:
            self.fields["location"].widget.attrs.update({"list": "evidence-locations", "autocomplete": "off"})
        if not self.is_bound:
            # No method is ticked in advance: whoever records the evidence says how it was produced.
            self.initial.setdefault("date", timezone.localdate())
            self.initial.setdefault("submission_token", new_token())


def locations_used_at(centre) -> list[str]:
    """The assessment locations recorded on the centre's evidence, most used first."""
    rows = (
        Evidence.objects.filter(registration__centre=centre)
        .exclude(location="")
        .values("location")
        .annotate(uses=Count("pk"))
        .order_by("-uses", "location")[:LOCATION_SUGGESTIONS]
    )
    return [row["location"] for row in rows]


class NewVersionForm(EvidenceForm):
    keep_files = forms.BooleanField(required=False, label=_("Keep the files of the earlier version"))


class WithdrawForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, label=_("Why withdraw it?"))


class WitnessInviteForm(forms.Form):
    name = forms.CharField(max_length=200, label=_("Witness's full name"))
    job_title = forms.CharField(max_length=200, label=_("Job title"))
    relationship = forms.CharField(
        max_length=200, label=_("Relationship to the learner"), help_text=_("For example: line manager, supervisor.")
    )
    email = forms.EmailField(label=_("Witness's email address"))
    note = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Message to the witness (optional)"),
        help_text=_("What you would like them to describe, for example the activity and the date."),
    )


class TestimonyForm(forms.Form):
    testimony = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=20_000,
        help_text=_("Describe what you saw the learner do: the activity, when and where, and how well they did it."),
    )
    date = forms.DateField(widget=DateInput, label=_("Date of what you witnessed"))
    signed_name = forms.CharField(max_length=200, label=_("Your signature: type your full name"))
    confirm = forms.BooleanField(
        label=_("I confirm that this testimony is true and that I am the person named in the invitation.")
    )


class MarkMetForm(forms.Form):
    action = forms.ChoiceField(choices=[("mark", "Mark met"), ("unmark", "Unmark")])
    met_on = forms.DateField(required=False, widget=DateInput, label=_("Date met"))
    reason = forms.CharField(required=False, max_length=2000)
    return_to = forms.IntegerField(required=False, widget=forms.HiddenInput)


class CountersignForm(forms.Form):
    outcome = forms.ChoiceField(choices=[("confirm", "Confirm"), ("overturn", "Overturn")])
    note = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
