"""Forms for signing in, setting a password from an invitation and managing staff. They validate input only."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.core.exceptions import ValidationError

from . import services
from .models import CompetenceStatus, Membership, Role, User


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


class ThrottledLoginForm(AuthenticationForm):
    """Email and password; refuses (without checking the password) while the email or address must wait."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Enter a correct email and password. Both are case-sensitive only in the password.",
        "throttled": "Too many failed sign-in attempts. Wait %(seconds)s seconds, then try again.",
    }

    def clean_username(self):
        # Accounts are stored with lower-case emails: match however the person types theirs.
        return services.normalise_email(self.cleaned_data.get("username"))

    def clean(self):
        email = self.cleaned_data.get("username") or ""
        password = self.cleaned_data.get("password")
        ip_address = client_ip(self.request)
        if email and password:
            wait = services.login_wait_seconds(email=email, ip_address=ip_address)
            if wait:
                raise ValidationError(self.error_messages["throttled"], code="throttled", params={"seconds": wait})
            try:
                cleaned = super().clean()
            except ValidationError as exc:
                if exc.code == "invalid_login":
                    services.record_login_failure(email=email, ip_address=ip_address)
                raise
            services.clear_login_failures(email=email)
            return cleaned
        return super().clean()


class InvitationPasswordForm(SetPasswordForm):
    """Choose a password: Django's validators, checked against this user."""


class CredentialForm(forms.Form):
    status = forms.ChoiceField(
        label="Assessing / IQA qualification",
        choices=CompetenceStatus.choices,
        initial=CompetenceStatus.QUALIFIED,
        help_text="Working towards: a qualified colleague countersigns their decisions until they qualify.",
    )
    countersignatory = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Countersigned by",
        help_text="A qualified colleague with the same role at this centre.",
        error_messages={"invalid_choice": "Choose a qualified colleague who works at this centre."},
    )
    competence_notes = forms.CharField(
        label="Occupational competence", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    cpd_notes = forms.CharField(
        label="Continuing professional development (CPD)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, centre, **kwargs):
        super().__init__(*args, **kwargs)
        self.centre = centre
        qualified = Membership.objects.active().filter(
            centre=centre, role__in=[Role.ASSESSOR, Role.IQA], status=CompetenceStatus.QUALIFIED
        )
        self.fields["countersignatory"].queryset = User.objects.filter(pk__in=qualified.values("user_id")).order_by(
            "full_name"
        )

    def credential(self) -> services.Credential:
        data = self.cleaned_data
        working_towards = data["status"] == CompetenceStatus.WORKING_TOWARDS
        return services.Credential(
            status=data["status"],
            countersignatory=data.get("countersignatory") if working_towards else None,
            competence_notes=data.get("competence_notes", ""),
            cpd_notes=data.get("cpd_notes", ""),
        )


class StaffMemberForm(CredentialForm):
    email = forms.EmailField()
    full_name = forms.CharField(max_length=200, required=False, help_text="Needed when the person is new here.")
    role = forms.ChoiceField(choices=Role.choices)

    field_order = ["email", "full_name", "role", "status", "countersignatory", "competence_notes", "cpd_notes"]


class EndMembershipForm(forms.Form):
    reason = forms.CharField(label="Why does this role end?", widget=forms.Textarea(attrs={"rows": 2}))


class PersonalInterestForm(forms.Form):
    staff = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label="Staff member",
        error_messages={"invalid_choice": "Choose a staff member of this centre."},
    )
    learner = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label="Learner",
        error_messages={"invalid_choice": "Choose a learner registered at this centre."},
    )
    description = forms.CharField(
        label="The interest",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: a relative, a close friend, their line manager.",
    )

    def __init__(self, *args, centre, **kwargs):
        super().__init__(*args, **kwargs)
        from portfolio.models import Registration

        staff_ids = Membership.objects.active().filter(centre=centre).values("user_id")
        self.fields["staff"].queryset = User.objects.filter(pk__in=staff_ids).order_by("full_name")
        learner_ids = Registration.objects.filter(centre=centre).values("learner_id")
        self.fields["learner"].queryset = User.objects.filter(pk__in=learner_ids).order_by("full_name")
