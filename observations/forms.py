"""The words of an observation record or a professional discussion (files, criteria and signatures are read from
the request by the view and checked by observations.services)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portfolio.forms import new_token
from portfolio.services.evidence import DESCRIPTION_MAX, LOCATION_MAX, TITLE_MAX


class RecordForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    location = forms.CharField(label=_("Where"), max_length=LOCATION_MAX, required=False)
    observed = forms.CharField(
        label=_("What you saw and heard"),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 8, "autocapitalize": "sentences", "spellcheck": "true"}),
    )
    submission_token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, default_title: str = "", observed_required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("date", timezone.localdate())
        self.initial.setdefault("title", default_title)
        self.initial.setdefault("submission_token", new_token())
        self.fields["observed"].required = observed_required
        if not observed_required:
            self.fields["observed"].label = _("Notes (optional)")
