"""Forms for setting a password from an invitation, the centre's settings and managing staff. They validate input
only. Signing in is allauth's (centres.auth)."""

from decimal import Decimal

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from . import services
from .hooks import learners_at
from .language import language_choices
from .models import AWARDS_BY_ROLE, AssessorAward, CompetenceStatus, IqaAward, Membership, Role, User


class InvitationPasswordForm(SetPasswordForm):
    """Choose a password: Django's validators, checked against this user."""


class LanguageForm(forms.Form):
    # Both languages' words, so that someone who cannot read the current one still finds the choice.
    language = forms.ChoiceField(
        label=_("Language / Iaith"),
        choices=language_choices,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("The language of the pages and emails. Qualification content stays in its specification's."),
    )


class CentreSecurityForm(forms.Form):
    require_mfa_for_assessors = forms.BooleanField(
        label=_("Assessors must use two-factor authentication"),
        required=False,
        help_text=_("Centre admins and IQAs always must; learners may turn it on for themselves."),
    )


DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def award_choices(role: str | None = None) -> list:
    """The awards the specifications name: for one role, or grouped by role when the role is not yet known."""
    if role in AWARDS_BY_ROLE:
        return [("", "Choose the award"), *AWARDS_BY_ROLE[role].choices]
    return [("", "Choose the award"), ("Assessors", AssessorAward.choices), ("IQAs", IqaAward.choices)]


class CredentialForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Assessing / IQA qualification"),
        choices=CompetenceStatus.choices,
        initial=CompetenceStatus.QUALIFIED,
        help_text=_("Working towards: a qualified colleague countersigns their decisions until they qualify."),
    )
    award = forms.ChoiceField(
        label=_("Award held or being worked towards"),
        required=False,
        help_text=_("As the specifications name them. Not needed for a centre admin."),
    )
    award_title = forms.CharField(
        label=_("Name of the other award"), max_length=200, required=False, help_text=_("Only for another award.")
    )
    certificate_number = forms.CharField(
        max_length=60, required=False, help_text=_("When the award is held."), label=_("Certificate number")
    )
    awarded_on = forms.DateField(
        label=_("Date awarded"), required=False, widget=DATE_INPUT, help_text=_("When the award is held.")
    )
    registered_on = forms.DateField(
        label=_("Date registered on the award"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("While working towards it."),
    )
    countersignatory = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label=_("Countersigned by"),
        help_text=_("While working towards it: a qualified colleague with the same role at this centre."),
        error_messages={"invalid_choice": "Choose a qualified colleague who works at this centre."},
    )

    def __init__(self, *args, centre, role: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.centre = centre
        self.fields["award"].choices = award_choices(role)
        qualified = Membership.objects.active().filter(
            centre=centre, role__in=[Role.ASSESSOR, Role.IQA], status=CompetenceStatus.QUALIFIED
        )
        self.fields["countersignatory"].queryset = User.objects.filter(pk__in=qualified.values("user_id")).order_by(
            "full_name"
        )

    def credential(self) -> services.Credential:
        """The credential as the status chosen reads it: the fields of the other status are left out, so that a
        person recorded as qualified keeps no countersignatory and a trainee no certificate."""
        data = self.cleaned_data
        working_towards = data["status"] == CompetenceStatus.WORKING_TOWARDS
        return services.Credential(
            status=data["status"],
            countersignatory=data.get("countersignatory") if working_towards else None,
            award=data.get("award") or "",
            award_title=data.get("award_title") or "",
            certificate_number="" if working_towards else data.get("certificate_number") or "",
            awarded_on=None if working_towards else data.get("awarded_on"),
            registered_on=data.get("registered_on") if working_towards else None,
        )


class StaffMemberForm(CredentialForm):
    email = forms.EmailField()
    full_name = forms.CharField(max_length=200, required=False, help_text=_("Needed when the person is new here."))
    role = forms.ChoiceField(choices=Role.choices)

    field_order = ["email", "full_name", "role", "status", "award", "award_title", "certificate_number", "awarded_on"]


class CpdForm(forms.Form):
    date = forms.DateField(widget=DATE_INPUT)
    activity = forms.CharField(max_length=300, help_text=_("For example: awarding body standardisation event."))
    hours = forms.DecimalField(min_value=Decimal("0.1"), max_value=services.MAX_CPD_HOURS, decimal_places=1)
    reflection = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_("What was learnt, and how it changes the way you assess or quality-assure."),
    )


class EndMembershipForm(forms.Form):
    reason = forms.CharField(label=_("Why does this role end?"), widget=forms.Textarea(attrs={"rows": 2}))


class PersonalInterestForm(forms.Form):
    staff = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label=_("Staff member"),
        error_messages={"invalid_choice": "Choose a staff member of this centre."},
    )
    learner = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label=_("Learner"),
        error_messages={"invalid_choice": "Choose a learner registered at this centre."},
    )
    description = forms.CharField(
        label=_("The interest"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: a relative, a close friend, their line manager."),
    )

    def __init__(self, *args, centre, **kwargs):
        super().__init__(*args, **kwargs)
        staff_ids = Membership.objects.active().filter(centre=centre).values("user_id")
        self.fields["staff"].queryset = User.objects.filter(pk__in=staff_ids).order_by("full_name")
        self.fields["learner"].queryset = User.objects.filter(learners_at(centre)).order_by("full_name")
