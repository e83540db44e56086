"""Every form renders one way (Django's form renderer, templates/forms/), and a screen reader announces each
field's help text and errors: the input's aria-describedby names elements that exist and hold that text."""

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django import forms
from django.urls import reverse

from tests.factories import NVQ, client_for

pytestmark = pytest.mark.django_db


class _Elements(HTMLParser):
    """Every element's attributes, and the text inside each element that has an id."""

    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.text_by_id: dict[str, str] = {}
        self._open: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.elements.append((tag, attributes))
        if tag not in {"input", "br", "img", "meta", "link", "hr", "source", "option"}:
            self._open.append((tag, attributes.get("id")))
            if attributes.get("id"):
                self.text_by_id.setdefault(attributes["id"], "")

    def handle_endtag(self, tag):
        while self._open:
            open_tag, _ = self._open.pop()
            if open_tag == tag:
                break

    def handle_data(self, data):
        for _, element_id in self._open:
            if element_id:
                self.text_by_id[element_id] += data


def parse(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    return parser


def described_by(page: _Elements, element_id: str) -> list[str]:
    """The texts that aria-describedby of the element with this id points at (each must exist)."""
    [attributes] = [attrs for _, attrs in page.elements if attrs.get("id") == element_id]
    ids = (attributes.get("aria-describedby") or "").split()
    missing = [name for name in ids if name not in page.text_by_id]
    assert not missing, f"aria-describedby of #{element_id} names missing elements {missing}"
    return [" ".join(page.text_by_id[name].split()) for name in ids]


def test_an_evidence_fields_help_text_is_announced(world):
    response = client_for(world.learner).get(reverse("portfolio:evidence-create", args=[world.registration.pk]))
    page = parse(response.text)
    assert described_by(page, "id_date") == ["When the evidence was produced."]


def test_an_evidence_fields_error_is_announced_with_its_help_text(world):
    response = client_for(world.learner).post(
        reverse("portfolio:evidence-create", args=[world.registration.pk]),
        {"title": "", "date": dt.date.today().isoformat(), "description": "What I did"},
    )
    page = parse(response.text)
    [title] = [attrs for _, attrs in page.elements if attrs.get("id") == "id_title"]
    assert title.get("aria-invalid") == "true" and "is-invalid" in title["class"].split()
    assert described_by(page, "id_title") == ["This field is required."]


def test_a_group_of_choices_is_a_fieldset_described_by_its_help_text_and_errors():
    class ChoiceForm(forms.Form):
        kind = forms.ChoiceField(
            choices=[("full", "Full"), ("unit", "Unit")], widget=forms.RadioSelect, help_text="Pick one."
        )

    page = parse(str(ChoiceForm({})))
    [fieldset] = [attrs for tag, attrs in page.elements if tag == "fieldset"]
    assert fieldset["aria-describedby"].split() == ["id_kind_helptext", "id_kind_error"]
    assert [" ".join(page.text_by_id[name].split()) for name in fieldset["aria-describedby"].split()] == [
        "Pick one.",
        "This field is required.",
    ]
    radios = [attrs for tag, attrs in page.elements if attrs.get("type") == "radio"]
    assert [radio["class"] for radio in radios] == ["form-check-input is-invalid"] * 2


def test_widgets_get_bootstrap_classes_once():
    class Everything(forms.Form):
        name = forms.CharField(widget=forms.TextInput(attrs={"class": "form-control"}))
        colour = forms.ChoiceField(choices=[("r", "Red")])
        agree = forms.BooleanField()
        token = forms.CharField(widget=forms.HiddenInput)

    page = parse(str(Everything()))
    classes = {attrs["name"]: attrs.get("class") for tag, attrs in page.elements if attrs.get("name")}
    assert classes == {"name": "form-control", "colour": "form-select", "agree": "form-check-input", "token": None}


def _nvq_pk():
    from qualifications.models import Qualification

    return Qualification.objects.get(number=NVQ).pk


PAGES_WITH_FORMS = {
    "evidence": ("learner", lambda w: reverse("portfolio:evidence-create", args=[w.registration.pk])),
    "witness": ("learner", lambda w: reverse("portfolio:witness-invite", args=[w.registration.pk])),
    "registration": (
        "admin",
        lambda w: reverse("portfolio:registration-create", args=[w.centre.pk]) + f"?qualification={_nvq_pk()}",
    ),
    "bulk": ("admin", lambda w: reverse("portfolio:registration-bulk", args=[w.centre.pk])),
    "staff": ("admin", lambda w: reverse("centres:staff-add", args=[w.centre.pk])),
    "interests": ("admin", lambda w: reverse("centres:interest-list", args=[w.centre.pk])),
    "plan": ("iqa", lambda w: reverse("quality:plan-create")),
    "share": ("admin", lambda w: reverse("quality:share-create", args=[w.centre.pk])),
    "search": ("learner", lambda w: reverse("qualifications:search")),
}


@pytest.mark.parametrize("name", sorted(PAGES_WITH_FORMS))
def test_every_help_text_on_a_form_page_is_announced_by_the_field_it_helps(world, name):
    actor, url = PAGES_WITH_FORMS[name]
    response = client_for(getattr(world, actor)).get(url(world))
    assert response.status_code == 200
    page = parse(response.text)
    help_ids = {attrs["id"] for _, attrs in page.elements if "form-text" in (attrs.get("class") or "").split()}
    announced = set()
    for _, attrs in page.elements:
        if attrs.get("aria-describedby") and attrs.get("id"):
            described_by(page, attrs["id"])  # every id it names exists
        announced.update((attrs.get("aria-describedby") or "").split())
    assert help_ids, "the page shows no help text to check"
    assert help_ids <= announced, f"help text no field points at: {sorted(help_ids - announced)}"


def test_no_page_uses_another_way_of_rendering_forms():
    from pathlib import Path

    templates = Path(__file__).resolve().parents[1] / "templates"
    offenders = [
        str(path.relative_to(templates))
        for path in templates.rglob("*.html")
        if re.search(r"crispy|_field\.html", path.read_text())
    ]
    assert offenders == []
