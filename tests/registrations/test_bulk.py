"""Bulk registration from CSV: template, preview of every problem by row and column, all-or-none commit."""

import csv
import datetime as dt
import io

import pytest
from django.core import mail
from django.urls import reverse

from centres.models import Event, Membership
from portfolio.models import Registration
from portfolio.services import NotAllowed
from portfolio.services import registration as services
from portfolio.services.registration import CSV_HEADER, RegistrationError, parse_registration_csv, register_from_csv
from tests.registrations.helpers import csv_text, row, upload

pytestmark = pytest.mark.django_db


def good_rows(world):
    return [
        row(world),
        row(
            world,
            full_name="Bulk Two",
            email="bulk2@example.test",
            qualification="600/5469/4",
            optional_units="R/601/1209; A/601/1205; M/601/1508; A/601/1530",
            uln="1234567899",
        ),
        row(
            world,
            full_name="Bulk Three",
            email="bulk3@example.test",
            qualification="603/4687/5",
            pathway="non-facing",
            assessor_email=world.trainee.email,
            id_document_type="Passport",
            id_checked_by_email=world.admin.email,
            id_checked_on=dt.date.today().isoformat(),
        ),
    ]


def test_template_has_every_column(client, world):
    client.force_login(world.admin)
    response = client.get(reverse("portfolio:registration-csv-template"))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert next(csv.reader(io.StringIO(response.content.decode()))) == CSV_HEADER


def test_preview_lists_every_problem_by_row_and_column_and_saves_nothing(client, world):
    rows = [
        row(world),
        row(world, email="bulk2@example.test", uln="1234567890", date_of_birth="31/02/2001"),
        row(
            world,
            email="bulk3@example.test",
            qualification="999/9999/9",
            assessor_email=world.other_centre_assessor.email,
        ),
        row(world, email="bulk4@example.test", qualification="600/5469/4", optional_units="R/601/1209"),
        row(world, email="bulk5@example.test", qualification="603/4687/5", iqa_email=world.assessor.email),
    ]
    client.force_login(world.admin)
    response = upload(client, world, csv_text(rows))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Row 3, column <code>uln</code>: This ULN" in content
    assert "Row 3, column <code>date_of_birth</code>" in content
    assert "Row 4, column <code>qualification</code>: No qualification numbered 999/9999/9" in content
    assert (
        f"Row 4, column <code>assessor_email</code>: {world.other_centre_assessor.email} is not an active assessor"
        in content
    )
    assert "Row 5, column <code>optional_units</code>: Group B: choose at least 1 unit" in content
    assert "Row 6, column <code>pathway</code>" in content
    assert "Row 6, column <code>iqa_email</code>" in content
    assert "Register all" not in content
    assert not Registration.objects.filter(learner__email__startswith="bulk").exists()
    # Nothing waits to be confirmed either.
    confirm = client.post(reverse("portfolio:registration-bulk-confirm", args=[world.centre.pk]))
    assert confirm.status_code == 302
    assert not Registration.objects.filter(learner__email__startswith="bulk").exists()


def test_missing_columns_are_reported(client, world):
    header = [column for column in CSV_HEADER if column != "iqa_email"]
    client.force_login(world.admin)
    content = upload(client, world, csv_text([row(world)], header=header)).content.decode()
    assert "Columns missing from the header row: iqa_email" in content


def test_duplicate_rows_in_the_file_are_reported(world):
    preview = parse_registration_csv(centre=world.centre, text=csv_text([row(world), row(world)]))
    assert any("Row 2 already registers" in problem.message for problem in preview.rows[1].problems)
    preview = parse_registration_csv(
        centre=world.centre,
        text=csv_text([row(world), row(world, qualification="603/5681/9", date_of_birth="1990-01-01")]),
    )
    assert any("different name or date of birth" in problem.message for problem in preview.rows[1].problems)


def test_non_utf8_file_is_refused(client, world):
    client.force_login(world.admin)
    content = upload(client, world, b"full_name,email\n" + "Zoë".encode("utf-16")).content.decode()
    assert "not UTF-8" in content


def test_a_clean_file_is_previewed_then_every_row_is_registered(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.admin)
    content = upload(client, world, csv_text(good_rows(world))).content.decode()
    assert "3 rows and no problems" in content
    assert "Register all 3 learners" in content
    assert not Registration.objects.filter(learner__email__startswith="bulk").exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portfolio:registration-bulk-confirm", args=[world.centre.pk]))
    assert response.status_code == 302
    registrations = Registration.objects.filter(learner__email__startswith="bulk")
    assert registrations.count() == 3
    assert registrations.get(learner__email="bulk2@example.test").plan.filter(chosen=True).count() == 4
    assert registrations.get(learner__email="bulk3@example.test").pathway.code == "non-facing"
    assert {m.to[0] for m in mail.outbox} == {"bulk1@example.test", "bulk2@example.test", "bulk3@example.test"}
    assert Event.objects.filter(action="registration.bulk_imported").exists()
    # The stored file is used once.
    client.post(reverse("portfolio:registration-bulk-confirm", args=[world.centre.pk]))
    assert Registration.objects.filter(learner__email__startswith="bulk").count() == 3


def test_all_or_none_when_something_changed_after_the_preview(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.admin)
    upload(client, world, csv_text(good_rows(world)))
    # The trainee leaves between the preview and the confirmation: row 4 is no longer valid.
    Membership.objects.filter(user=world.trainee).update(is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portfolio:registration-bulk-confirm", args=[world.centre.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "nothing was registered" in content
    assert "Row 4, column <code>assessor_email</code>" in content
    assert not Registration.objects.filter(learner__email__startswith="bulk").exists()
    assert mail.outbox == []


def test_a_failure_while_saving_leaves_nothing(world, monkeypatch, django_capture_on_commit_callbacks):
    real = services.register_learner
    calls = []

    def fail_on_third(**kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RegistrationError("database said no")
        return real(**kwargs)

    monkeypatch.setattr("portfolio.services.registration.bulk_csv.register_learner", fail_on_third)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RegistrationError, match="Row 4"):
        register_from_csv(actor=world.admin, centre=world.centre, text=csv_text(good_rows(world)))
    assert not Registration.objects.filter(learner__email__startswith="bulk").exists()
    assert mail.outbox == []


def test_only_the_centres_admin_commits(world):
    for actor in (world.assessor, world.other_admin):
        with pytest.raises(NotAllowed, match="Only a centre admin"):
            register_from_csv(actor=actor, centre=world.centre, text=csv_text(good_rows(world)))


def test_staff_of_another_centre_cannot_be_named(world):
    preview = parse_registration_csv(
        centre=world.centre, text=csv_text([row(world, iqa_email=world.other_admin.email)])
    )
    assert [p.column for p in preview.rows[0].problems] == ["iqa_email"]


def test_empty_file_is_reported(world):
    assert parse_registration_csv(centre=world.centre, text="").file_problems
    assert "no learners" in parse_registration_csv(centre=world.centre, text=csv_text([])).file_problems[0]


def test_membership_role_is_checked(world):
    preview = parse_registration_csv(centre=world.centre, text=csv_text([row(world, assessor_email=world.admin.email)]))
    assert preview.rows[0].problems[0].column == "assessor_email"


def test_csv_identity_by_a_third_party_representative_needs_their_name_and_role(world):
    checked = {
        "id_document_type": "Third-party representative",
        "id_checked_by_email": world.admin.email,
        "id_checked_on": dt.date.today().isoformat(),
    }
    preview = parse_registration_csv(centre=world.centre, text=csv_text([row(world, **checked)]))
    assert [problem.column for problem in preview.rows[0].problems] == ["id_details"]
    text = csv_text([row(world, **checked, id_details="Sam Patel, HR manager")])
    (registration,) = register_from_csv(actor=world.admin, centre=world.centre, text=text)
    assert registration.identity_confirmed and registration.id_details == "Sam Patel, HR manager"
