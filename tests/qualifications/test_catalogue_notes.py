"""Each correction of part 1 of issue 11 is recorded as a catalogue note, and the printed text is kept."""

import pytest
from django.urls import reverse

from qualifications.models import AssessmentCriterion, CatalogueNote

pytestmark = pytest.mark.django_db

# (unit, criterion, the printed words kept in the criterion's text)
MISPRINTS = [
    ("T/601/1218", "2.2", "they re"),
    ("J/600/0658", "3.8", "complain"),
    ("H/617/6438", "K6.1", "an understand"),
    ("R/617/5432", "3.5", "have demonstrate"),
    ("D/601/1519", "1.1", "undersand"),
    ("T/617/5410", "1.3", "a customers’ first impression"),
    ("T/617/5410", "2.4", "a customers’ first impression"),
    ("J/617/5427", "2.2", "an organisations policies"),
]


@pytest.mark.parametrize("reference, code, printed", MISPRINTS)
def test_misprint_is_kept_word_for_word_with_a_note(reference, code, printed):
    criterion = AssessmentCriterion.objects.get(unit__reference=reference, code=code)
    assert printed in criterion.text
    note = CatalogueNote.objects.get(criterion=criterion, kind=CatalogueNote.Kind.MISPRINT)
    assert (note.field, note.printed) == ("text", printed)
    assert note.corrected.startswith(f"{printed} (printed;")


def test_misprints_in_learning_outcomes_are_noted_on_their_unit():
    noted = set(
        CatalogueNote.objects.filter(kind=CatalogueNote.Kind.MISPRINT, criterion__isnull=True).values_list(
            "unit__reference", "printed"
        )
    )
    assert noted == {
        ("T/617/5410", "a customers’ first impressions"),
        ("L/617/6451", "the organisations core values"),
    }


def test_the_old_unit_17_notes_are_gone_and_one_judgement_records_both_readings():
    notes = CatalogueNote.objects.filter(unit__reference="R/617/6452")
    assert [(n.kind, n.criterion_id, n.shown_on_sheet) for n in notes] == [("judgement", None, True)]
    (note,) = notes
    assert "B17.1 'Face-to-face Present a professional image" in note.printed  # the table's reading
    assert "deal with customers face to face complete B17.1" in note.printed  # the guidance's reading
    assert note.corrected.startswith("Every learner is assessed on B17.1 in the wording of their pathway")


def test_only_the_unit_17_judgement_is_printed_on_sheets():
    assert list(CatalogueNote.objects.filter(shown_on_sheet=True).values_list("unit__reference", flat=True)) == [
        "R/617/6452"
    ]


def test_notes_page_explains_misprints_kept(client):
    html = client.get(reverse("qualifications:notes")).content.decode()
    assert "Misprint kept" in html
    assert "undersand" in html
