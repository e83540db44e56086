from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Scope
from .tokens import MAX_DAYS


class TokenForm(forms.Form):
    centre = forms.ModelChoiceField(queryset=None, label=_("Centre"))
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("The system that will use it, e.g. “College MIS”.")
    )
    scopes = forms.MultipleChoiceField(
        label=_("What it may do"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=MAX_DAYS, initial=90)

    def __init__(self, *args, centres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres
        if len(centres) == 1:
            self.fields["centre"].initial = centres.first()
