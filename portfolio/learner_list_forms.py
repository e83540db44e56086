"""The learner list's filter form: its staff drop-downs (hundreds of options at a busy centre) written in one pass."""

from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from centres.models import Membership, Role
from core.compiled import CompiledRead
from core.markup import escaped, html_rows

# Who holds or held each staff role at the centres, in name order (SQL built once per process: core.compiled).
_filter_staff = CompiledRead(
    lambda centre_ids: (
        Membership.objects.filter(centre_id__in=centre_ids, role__in=[Role.ASSESSOR, Role.IQA])
        .order_by("user__full_name", "user__email", "user_id")
        .values_list("role", "user_id", "user__full_name", "user__email")
    )
)


def filter_staff_choices(centre_ids) -> dict[str, list[tuple[int, str]]]:
    """Role (assessor, IQA) -> everyone who holds or held it at these centres, as (id, name) in name order: the
    choices of the learner list's filters, read from the centres' memberships (a few rows, one query) rather than
    from every registration. Former staff stay, since registrations may still name them."""
    choices: dict[str, list[tuple[int, str]]] = {Role.ASSESSOR: [], Role.IQA: []}
    seen = set()
    for role, pk, full_name, email in _filter_staff(centre_ids=sorted(centre_ids)):
        if (role, pk) not in seen:
            seen.add((role, pk))
            choices[role].append((pk, full_name or email))  # as a User prints itself
    return choices


_SELECTED = mark_safe(" selected")


class StaffFilterField(forms.TypedChoiceField):
    """A staff filter: hundreds of (id, name) choices, kept as given rather than normalised one by one as Django
    normalises a field's choices when they are set (once for the field and again for its widget), and a chosen id
    checked against a set of them."""

    def __init__(self, **kwargs):
        super().__init__(required=False, coerce=int, empty_value=None, **kwargs)
        self.staff: list[tuple[int, str]] = []
        self.staff_ids: set[str] = set()

    def offer(self, empty_label: str, staff: list[tuple[int, str]]) -> None:
        self.empty_label = empty_label
        self.staff = staff
        self.staff_ids = {str(pk) for pk, _ in staff}
        self.choices = lambda: [("", empty_label), *staff]  # for anything that reads them: made when read

    def valid_value(self, value) -> bool:
        return str(value) in self.staff_ids

    def options_html(self, current: str) -> str:
        """The options, the chosen one selected: ids are numbers, so only the names are escaped."""
        return "".join(
            [
                f'<option value=""{_SELECTED if current == "" else ""}>{escaped(self.empty_label)}</option>',
                *(
                    f'<option value="{pk}"{_SELECTED if str(pk) == current else ""}>{escaped(name)}</option>'
                    for pk, name in self.staff
                ),
            ]
        )


class RegistrationFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.SearchInput(attrs={"placeholder": "Name, email, ULN or registration number"}),
    )
    centre = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    qualification = forms.ModelChoiceField(queryset=None, required=False, empty_label=_("All qualifications"))
    # The staff filters are plain choices of ids read in one narrow query each: hundreds of options are rendered
    # on every page view, and model choices would build (and count) every User for that.
    assessor = StaffFilterField()
    iqa = StaffFilterField(label=_("IQA"))
    status = forms.ChoiceField(
        required=False,
        choices=[("active", "Active"), ("withdrawn", "Withdrawn"), ("completed", "Completed"), ("all", "All")],
    )
    overdue = forms.BooleanField(label=_("Past planned end date only"), required=False)
    no_identity = forms.BooleanField(label=_("Waiting for an identity check only"), required=False)

    def __init__(self, *args, centres, qualifications, assessors, iqas, **kwargs):
        super().__init__(*args, **kwargs)
        # The person's centres come with their access profile: no query for them.
        self.fields["centre"].choices = [("", "All my centres")] + [(centre.pk, str(centre)) for centre in centres]
        self.fields["qualification"].queryset = qualifications
        self.fields["assessor"].offer("Any assessor", assessors)
        self.fields["iqa"].offer("Any IQA", iqas)

    @property
    def select_fields(self) -> list[dict]:
        """The drop-down filters, each with its options written out as HTML once (the chosen one selected) rather
        than by a template loop over each of hundreds of options."""
        selects = []
        for name in ("centre", "qualification", "assessor", "iqa", "status"):
            bound = self[name]
            current = "" if bound.value() is None else str(bound.value())
            field = bound.field
            if isinstance(field, StaffFilterField):
                options = mark_safe(field.options_html(current))
            else:
                choices = field.choices
                if isinstance(field, forms.ModelChoiceField):  # one plain query, no server-side cursor or count
                    choices = [("", field.empty_label)] + [
                        (item.pk, field.label_from_instance(item)) for item in field.queryset
                    ]
                # Written here in one pass: a template loop costs some 20 us an option, and there are hundreds.
                options = html_rows(
                    '<option value="{}"{}>{}</option>',
                    ((str(value), _SELECTED if str(value) == current else "", label) for value, label in choices),
                )
            selects.append({"name": name, "id": bound.id_for_label, "label": bound.label, "options": options})
        return selects
