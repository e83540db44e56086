"""Forms for registering learners and changing registrations. They validate input; the services hold the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from centres.models import CompetenceStatus, Membership, Role, User
from centres.params import parse_id, parse_ids
from qualifications.guidance import choice_advice, labels_for_qualification
from qualifications.models import Pathway, QualificationUnit, Unit
from qualifications.services.combination import optional_units

from .models import SkillsLevel
from .services.registration import ID_DETAILS_MAX, RegistrationInput, identity_choices, uln_problem


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class StaffChoiceField(forms.ModelChoiceField):
    """A member of staff, shown with their email and, for a trainee, who countersigns their decisions."""

    trainees: dict = {}

    def label_from_instance(self, user):
        label = f"{user.full_name or user.email} ({user.email})"
        signer = self.trainees.get(user.pk)
        return f"{label} – working towards, countersigned by {signer}" if signer else label


def staff_queryset(centre, role: str | None = None):
    memberships = Membership.objects.active().filter(centre=centre)
    if role:
        memberships = memberships.filter(role=role)
    return User.objects.filter(pk__in=memberships.values("user_id")).order_by("full_name", "email")


def _label_trainees(field: StaffChoiceField, centre, role: str) -> None:
    field.trainees = {
        m.user_id: m.countersignatory
        for m in Membership.objects.active()
        .filter(centre=centre, role=role, status=CompetenceStatus.WORKING_TOWARDS)
        .select_related("countersignatory")
    }


def _wrong_centre(what: str, centre) -> dict:
    return {"invalid_choice": f"Choose {what} who works at {centre}; that choice is not one of the centre's staff."}


class UnitChoiceField(forms.ModelMultipleChoiceField):
    """Ticked units: values that are not plain ids ("²", a number past 64 bits) are refused before any query."""

    def _check_values(self, value):
        for item in value:
            if parse_id(item) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": item}
                )
        return super()._check_values(value)


class UnitChoiceForm(forms.Form):
    """The pathway and optional units of a registration: all that checking the choice against the rules of
    combination needs, so that the check validates these and not the fields still to be filled."""

    pathway = forms.ModelChoiceField(
        queryset=Pathway.objects.none(),
        required=False,
        empty_label=_("Choose a pathway"),
        error_messages={"invalid_choice": "Choose one of this qualification's pathways."},
    )
    optional_units = UnitChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "%(value)s is not an optional unit of this qualification."},
    )

    def __init__(self, *args, qualification, **kwargs):
        super().__init__(*args, **kwargs)
        self.qualification = qualification
        self.guidance_labels = labels_for_qualification(qualification)
        self.fields["pathway"].queryset = qualification.pathways.all()
        optional = optional_units(qualification)
        self.fields["optional_units"].queryset = Unit.objects.filter(pk__in=[unit.pk for unit in optional])
        memberships = list(
            QualificationUnit.objects.filter(qualification=qualification)
            .select_related("unit", "group")
            .order_by("order", "pk")
        )
        optional_ids = {unit.pk for unit in optional}
        self.optional_memberships = [m for m in memberships if m.unit_id in optional_ids]
        self.mandatory_memberships = [m for m in memberships if m.unit_id not in optional_ids]

    def selected_unit_ids(self) -> set[int]:
        values = self.data.getlist("optional_units") if hasattr(self.data, "getlist") else []
        return set(parse_ids(values)[0])

    def unit_groups(self) -> list[dict]:
        """Optional units by group, for the template, with which are ticked."""
        selected = self.selected_unit_ids()
        groups: dict[str, dict] = {}
        for membership in self.optional_memberships:
            name = membership.group.name if membership.group else "Optional units"
            group = groups.setdefault(
                name, {"name": name, "min_units": membership.group.min_units if membership.group else 0, "units": []}
            )
            group["units"].append(
                {
                    "membership": membership,
                    "unit": membership.unit,
                    "checked": membership.unit_id in selected,
                    "advice": choice_advice(membership.unit.summary),
                }
            )
        return list(groups.values())


class RegistrationForm(UnitChoiceForm):
    # The units and pathway (from UnitChoiceForm) sit among the learner's details, as on the page.
    field_order = [
        "full_name",
        "email",
        "date_of_birth",
        "uln",
        "awarding_body_registration_number",
        "pathway",
        "optional_units",
    ]
    full_name = forms.CharField(
        max_length=200, required=False, help_text=_("Not needed if they already have an account.")
    )
    email = forms.EmailField(help_text=_("Their invitation to set a password is sent here."))
    date_of_birth = forms.DateField(widget=DateInput())
    uln = forms.CharField(
        label=_("ULN (Unique Learner Number)"),
        max_length=10,
        required=False,
        help_text=_("10 digits, if the learner has one."),
    )
    awarding_body_registration_number = forms.CharField(max_length=50, required=False)
    start_date = forms.DateField(widget=DateInput())
    planned_end_date = forms.DateField(widget=DateInput())
    assessor = StaffChoiceField(queryset=User.objects.none(), empty_label=_("Choose an assessor"))
    iqa = StaffChoiceField(
        queryset=User.objects.none(),
        label=_("IQA"),
        empty_label=_("Choose an IQA"),
        help_text=_("Never the learner's assessor."),
    )
    id_document_type = forms.ChoiceField(label=_("Proof of identity seen"), required=False)
    id_details = forms.CharField(
        label=_("Identity check details"),
        required=False,
        max_length=ID_DETAILS_MAX,
        help_text=_("Which card was seen, or the third-party representative's name and role."),
    )
    id_checked_by = StaffChoiceField(
        queryset=User.objects.none(), required=False, label=_("Identity checked by"), empty_label="—"
    )
    id_checked_on = forms.DateField(label=_("Identity checked on"), required=False, widget=DateInput())
    acknowledge_warnings = forms.BooleanField(
        label=_("I have read the warnings above and the learner should be registered all the same"), required=False
    )

    def __init__(self, *args, centre, qualification, **kwargs):
        super().__init__(*args, qualification=qualification, **kwargs)
        self.centre = centre
        self.fields["assessor"].queryset = staff_queryset(centre, Role.ASSESSOR)
        self.fields["assessor"].error_messages.update(_wrong_centre("an assessor", centre))
        _label_trainees(self.fields["assessor"], centre, Role.ASSESSOR)
        self.fields["iqa"].queryset = staff_queryset(centre, Role.IQA)
        self.fields["iqa"].error_messages.update(_wrong_centre("an IQA", centre))
        _label_trainees(self.fields["iqa"], centre, Role.IQA)
        self.fields["id_checked_by"].queryset = staff_queryset(centre)
        self.fields["id_checked_by"].error_messages.update(_wrong_centre("someone", centre))
        self.fields["id_document_type"].choices = [("", "Not checked yet"), *identity_choices(qualification)]
        # Registering needs the pathway where the qualification has pathways; checking the units does not (the
        # rules of combination say that a pathway is still to be chosen).
        self.fields["pathway"].required = qualification.pathways.exists()

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean_uln(self):
        uln = self.cleaned_data["uln"].strip().replace(" ", "")
        problem = uln_problem(uln)
        if problem:
            raise forms.ValidationError(problem)
        return uln

    def to_input(self) -> RegistrationInput:
        data = self.cleaned_data
        return RegistrationInput(
            email=data["email"],
            full_name=data.get("full_name", ""),
            date_of_birth=data.get("date_of_birth"),
            qualification=self.qualification,
            start_date=data.get("start_date"),
            planned_end_date=data.get("planned_end_date"),
            assessor=data.get("assessor"),
            iqa=data.get("iqa"),
            pathway=data.get("pathway"),
            optional_units=list(data.get("optional_units") or []),
            uln=data.get("uln", ""),
            awarding_body_registration_number=data.get("awarding_body_registration_number", ""),
            id_document_type=data.get("id_document_type", ""),
            id_checked_by=data.get("id_checked_by"),
            id_checked_on=data.get("id_checked_on"),
            acknowledged_warnings=frozenset(self.warnings_shown()) if data.get("acknowledge_warnings") else frozenset(),
            id_details=data.get("id_details", ""),
        )

    def warnings_shown(self) -> list[str]:
        """The keys of the warnings the page showed (posted back with the acknowledgement)."""
        return self.data.getlist("warnings_shown") if hasattr(self.data, "getlist") else []


class MoveAssessorForm(forms.Form):
    assessor = StaffChoiceField(
        queryset=User.objects.none(), label=_("New assessor"), empty_label=_("Choose an assessor")
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, centre, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessor"].queryset = staff_queryset(centre, Role.ASSESSOR)
        self.fields["assessor"].error_messages.update(_wrong_centre("an assessor", centre))
        _label_trainees(self.fields["assessor"], centre, Role.ASSESSOR)


class ChangeIqaForm(forms.Form):
    iqa = StaffChoiceField(queryset=User.objects.none(), label=_("New IQA"), empty_label=_("Choose an IQA"))
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, centre, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["iqa"].queryset = staff_queryset(centre, Role.IQA)
        self.fields["iqa"].error_messages.update(_wrong_centre("an IQA", centre))


class ChangeTutorForm(forms.Form):
    tutor = StaffChoiceField(
        queryset=User.objects.none(),
        label=_("Tutor"),
        required=False,
        empty_label=_("Nobody"),
        help_text=_("The member of staff who delivers the learner's programme. They cannot be the learner's IQA."),
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, centre, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tutor"].queryset = staff_queryset(centre)
        self.fields["tutor"].error_messages.update(_wrong_centre("someone", centre))


class IdentityCheckForm(forms.Form):
    id_document_type = forms.ChoiceField(label=_("Proof of identity seen"), widget=forms.RadioSelect)
    id_details = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=ID_DETAILS_MAX,
        help_text=_(
            "Which card was seen; or, for identification by a third-party representative, their name and role."
        ),
    )
    id_checked_by = StaffChoiceField(queryset=User.objects.none(), label=_("Checked by"), empty_label=_("Choose"))
    id_checked_on = forms.DateField(label=_("Checked on"), widget=DateInput())

    def __init__(self, *args, registration, **kwargs):
        super().__init__(*args, **kwargs)
        centre = registration.centre
        self.fields["id_document_type"].choices = identity_choices(registration.qualification)
        self.fields["id_checked_by"].queryset = staff_queryset(centre)
        self.fields["id_checked_by"].error_messages.update(_wrong_centre("someone", centre))


class InitialAssessmentForm(forms.Form):
    english_level = forms.ChoiceField(label=_("English level"), choices=[("", "Choose"), *SkillsLevel.choices])
    maths_level = forms.ChoiceField(label=_("Maths level"), choices=[("", "Choose"), *SkillsLevel.choices])
    prior_experience = forms.CharField(
        label=_("Prior learning and experience"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_("Qualifications held and work experience; what could be recognised as prior learning."),
    )
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        required=False,
        help_text=_("How the programme is tailored to the learner's needs."),
    )
    assessed_on = forms.DateField(label=_("Assessed on"), widget=DateInput())


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Why is the learner withdrawn?"), widget=forms.Textarea(attrs={"rows": 3}))


class CompleteForm(forms.Form):
    note = forms.CharField(label=_("Note (optional)"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class BulkUploadForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), help_text=_("Saved from a spreadsheet as CSV (UTF-8)."))
