"""Forms of the RPL pages: they validate input only; portfolio.services.rpl applies the rules."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portfolio.forms import DateInput
from portfolio.models import RplClaim
from qualifications.templatetags.catalogue import wording_for


def _criterion_label(criterion, pathway_id) -> str:
    """Unit, code (with the printed code where we renumbered) and the wording the learner's pathway reads."""
    printed = f" (printed as {criterion.printed_code})" if criterion.renumbered else ""
    return f"{criterion.unit.reference} {criterion.code}{printed}: {wording_for(criterion, pathway_id)}"


class RplClaimForm(forms.Form):
    title = forms.CharField(max_length=200, help_text=_("For example: Level 2 Certificate in Customer Service (2019)."))
    date = forms.DateField(widget=DateInput, help_text=_("When you reviewed the prior learning."))
    prior_learning = forms.CharField(
        label=_("Prior certificates or experience"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=8000,
        help_text=_("What was achieved, where and when, and what you saw (certificate, transcript, references)."),
    )
    criteria = forms.MultipleChoiceField(
        label=_("Criteria it covers"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose the criteria the prior learning covers."},
    )

    def __init__(self, *args, criteria, pathway_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria"].choices = [(c.pk, _criterion_label(c, pathway_id)) for c in criteria]
        self.fields["date"].initial = timezone.localdate()


class RplDecisionForm(forms.Form):
    accepted = forms.MultipleChoiceField(
        label=_("Criteria the prior learning meets"), widget=forms.CheckboxSelectMultiple, required=False
    )
    note = forms.CharField(
        label=_("Why"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_(
            "Is the prior learning valid, authentic, current and sufficient for each criterion? Unticked "
            "criteria are rejected with this note."
        ),
    )

    def __init__(self, *args, links, pathway_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accepted"].choices = [
            (link.criterion_id, _criterion_label(link.criterion, pathway_id)) for link in links
        ]


class RplCheckForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Your check"), choices=RplClaim.Check.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, required=False, help_text=_("Needed to disagree.")
    )
