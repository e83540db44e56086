"""The centre admin's form for a staff member's occupational competence for one qualification."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qualifications.models import Qualification


class CompetenceForm(forms.Form):
    qualification = forms.ModelChoiceField(
        queryset=Qualification.objects.order_by("number"),
        error_messages={"invalid_choice": "Choose a qualification from the catalogue."},
        help_text=_("Recording it again for the same qualification corrects the record (to be verified again)."),
    )
    sector_experience = forms.CharField(
        label=_("Experience in the sector"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )
    evidence = forms.CharField(
        label=_("Evidence held"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
        help_text=_("For example: CV, Level 3 Diploma in Customer Service certificate, employer's reference."),
    )
