from django import forms
from django.utils.translation import gettext_lazy as _

from centres.params import parse_id
from qualifications.models import AssessmentMethod

from .models import RecordedBy
from .services.plans import ItemInput
from .services.visits import VisitInput


class IdsField(forms.TypedMultipleChoiceField):
    """Ids chosen from a list. Whether each may be chosen is the service's rule (with its message), not the form's:
    the list only offers the choices."""

    def __init__(self, **kwargs):
        super().__init__(coerce=parse_id, **kwargs)

    def valid_value(self, value):
        return parse_id(value) is not None


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Title of the plan"), max_length=200)
    notes = forms.CharField(
        label=_("Notes (optional)"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReviseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the plan revised?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The current version and its signatures stay in the plan's history; both of you sign again."),
    )
    notes = forms.CharField(
        label=_("Notes (optional)"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ItemForm(forms.Form):
    activity = forms.CharField(label=_("Activity"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    criteria = IdsField(
        label=_("Criteria it targets"),
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Hold Ctrl (or Cmd) to choose several."),
    )
    methods = forms.ModelMultipleChoiceField(
        label=_("Assessment methods"), queryset=AssessmentMethod.objects.all(), widget=forms.CheckboxSelectMultiple
    )
    recorded_by = forms.ChoiceField(label=_("Who records the evidence"), choices=RecordedBy.choices)
    due_on = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, criteria_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria"].choices = criteria_choices
        self.fields["methods"].label_from_instance = lambda method: f"{method.code} ({method.name})"

    def to_input(self) -> ItemInput:
        data = self.cleaned_data
        return ItemInput(
            activity=data["activity"],
            criterion_ids=list(data["criteria"]),
            method_ids=[method.pk for method in data["methods"]],
            recorded_by=data["recorded_by"],
            due_on=data["due_on"],
        )


ItemFormSet = forms.formset_factory(ItemForm, extra=0, max_num=30, absolute_max=30)


class PlanSignForm(forms.Form):
    content_hash = forms.CharField(max_length=64, min_length=64, widget=forms.HiddenInput)
    agree = forms.BooleanField(label=_("I have read this plan and agree to it."))


class VisitForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    starts_at = forms.TimeField(label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends_at = forms.TimeField(label=_("Ends at"), widget=forms.TimeInput(attrs={"type": "time"}))
    registrations = IdsField(
        label=_("Learner or group"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose one learner, or several for a group session."),
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=300)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    meeting_link = forms.CharField(
        label=_("Remote-meeting link"), max_length=500, required=False, widget=forms.URLInput
    )
    plan_items = IdsField(label=_("Plan activities (optional)"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, learner_choices=(), item_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["registrations"].choices = learner_choices
        self.fields["plan_items"].choices = item_choices

    def to_input(self) -> VisitInput:
        data = self.cleaned_data
        return VisitInput(
            date=data["date"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            purpose=data["purpose"],
            place=data["place"],
            meeting_link=data["meeting_link"],
            registration_ids=list(data["registrations"]),
            plan_item_ids=list(data["plan_items"]),
        )


class CancelVisitForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the visit cancelled?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
