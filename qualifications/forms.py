from django import forms
from django.utils.translation import gettext_lazy as _

from qualifications.models import AwardingBody, Qualification
from qualifications.selectors import SEARCH_MAX_LENGTH


class QualificationFilterForm(forms.Form):
    awarding_body = forms.ChoiceField(label=_("Awarding body"), required=False)
    level = forms.TypedChoiceField(label=_("Level"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["awarding_body"].choices = [("", "All awarding bodies")] + [
            (body.code, body.name) for body in AwardingBody.objects.order_by("name")
        ]
        levels = Qualification.objects.order_by("level").values_list("level", flat=True).distinct()
        self.fields["level"].choices = [("", "All levels")] + [(str(level), f"Level {level}") for level in levels]


class CriterionSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search the assessment criteria"),
        max_length=SEARCH_MAX_LENGTH,
        required=False,
        help_text=_("Words from a criterion, or a code such as 3.2 or S9."),
        widget=forms.SearchInput,
    )
