from django import forms
from django.utils.translation import gettext_lazy as _

from centres.models import Role
from portfolio.registration_forms import DateInput, StaffChoiceField, staff_queryset
from portfolio.services.registration.checks import RegistrationInput

from .importing import MAX_UPLOAD_BYTES


class ImportForm(forms.Form):
    archive = forms.FileField(
        label=_("Portfolio ZIP"),
        help_text=_("The portable portfolio exported by the learner's first centre (up to 2 GB)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )
    email = forms.EmailField(help_text=_("Matched with an account here; a new learner is sent an invitation."))
    full_name = forms.CharField(max_length=200, required=False, help_text=_("Not needed if they have an account."))
    date_of_birth = forms.DateField(widget=DateInput())
    start_date = forms.DateField(widget=DateInput(), help_text=_("When they start at this centre."))
    planned_end_date = forms.DateField(widget=DateInput())
    assessor = StaffChoiceField(queryset=None, empty_label=_("Choose an assessor"))
    iqa = StaffChoiceField(queryset=None, label=_("IQA"), empty_label=_("Choose an IQA"))

    def __init__(self, *args, centre, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessor"].queryset = staff_queryset(centre, Role.ASSESSOR)
        self.fields["iqa"].queryset = staff_queryset(centre, Role.IQA)

    def clean_archive(self):
        archive = self.cleaned_data["archive"]
        if archive.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than %d GB.") % (MAX_UPLOAD_BYTES // 1024**3))
        return archive

    def learner(self) -> RegistrationInput:
        data = self.cleaned_data
        return RegistrationInput(
            email=data["email"],
            full_name=data["full_name"],
            date_of_birth=data["date_of_birth"],
            qualification=None,
            start_date=data["start_date"],
            planned_end_date=data["planned_end_date"],
            assessor=data["assessor"],
            iqa=data["iqa"],
        )
