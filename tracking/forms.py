from django import forms
from django.utils.translation import gettext_lazy as _

from qualifications.models import Unit

from .models import SignatureRole


class SignForm(forms.Form):
    role = forms.ChoiceField(choices=SignatureRole.choices)
    content_hash = forms.CharField(max_length=64, min_length=64, widget=forms.HiddenInput)
    declaration = forms.BooleanField(
        required=False, label=_("I declare that the evidence listed on this sheet is my own work.")
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") == SignatureRole.LEARNER and not cleaned.get("declaration"):
            self.add_error("declaration", _("Tick the declaration that the evidence is your own work to sign."))
        return cleaned


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you reopening this unit?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the unit's history; the signatures given so far are voided and must be given again."),
    )


class CarryForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=Unit.objects.all(), widget=forms.HiddenInput)


class WithdrawCarryForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you withdrawing this carry-over?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the history; the unit then stands on this registration's own portfolio."),
    )
