"""A learner who chose Welsh uses the product in Welsh; qualification content stays in its specification's English."""

from django.urls import reverse

from centres.models import Event
from qualifications.models import Unit
from tests import samples
from tests.factories import client_for
from tests.portfolio.helpers import UNIT_A, criteria_of, make_evidence


def _page(client, url, **headers) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def test_home_page_in_welsh_with_the_qualification_in_english(world, welsh_learner):
    make_evidence(world.registration, criteria=criteria_of(UNIT_A, 2))
    page = _page(client_for(welsh_learner), reverse("home"))
    assert '<html lang="cy">' in page
    for welsh in ("Croeso, Lena", "Fy mhortffolio", "Ychwanegu tystiolaeth", "Map tystiolaeth", "Allgofnodi"):
        assert welsh in page
    for english in ("Welcome,", "Add evidence", "Sign out", "criteria met"):
        assert english not in page
    assert world.registration.qualification.title in page  # the specification's own words


def test_welsh_follows_the_person_whatever_their_browser_says(world, welsh_learner):
    page = _page(client_for(welsh_learner), reverse("home"), accept_language="en-GB,en")
    assert "Fy mhortffolio" in page and "My portfolio" not in page


def test_portfolio_page_in_welsh_with_unit_titles_in_english(world, welsh_learner):
    make_evidence(world.registration, criteria=criteria_of(UNIT_A, 2))
    page = _page(client_for(welsh_learner), reverse("portfolio:registration-portfolio", args=[world.registration.pk]))
    for welsh in ("Cynnydd", "Unedau ar y cynllun", "Taflenni olrhain", "Meini prawf heb dystiolaeth", "Gwahodd tyst"):
        assert welsh in page
    for english in ("Progress</h2>", "Tracking sheets", "Criteria with no evidence", "Invite a witness"):
        assert english not in page
    assert Unit.objects.get(reference=UNIT_A).title in page


def test_evidence_form_in_welsh(world, welsh_learner):
    page = _page(client_for(welsh_learner), reverse("portfolio:evidence-create", args=[world.registration.pk]))
    for welsh in ("Teitl", "Disgrifiad neu gofnod ysgrifenedig", "Tynnu llun", "Cadw a pharhau", "Dulliau asesu"):
        assert welsh in page
    for english in ("Save and continue", "Take a photo", "Description or written record"):
        assert english not in page


def test_saving_evidence_says_so_in_welsh(world, welsh_learner):
    client = client_for(welsh_learner)
    url = reverse("portfolio:evidence-create", args=[world.registration.pk])
    form = client.get(url).context["form"]
    response = client.post(
        url,
        {
            "title": "Log cwsmeriaid",
            "date": "2026-01-05",
            "methods": [form.fields["methods"].queryset.get(code="PE").pk],
            "description": "Beth wnes i.",
            "submission_token": form.initial["submission_token"],
        },
        follow=True,
    )
    assert response.status_code == 200
    messages = [str(message) for message in response.context["messages"]]
    assert any("wedi’i chadw fel drafft" in message for message in messages), messages


def test_tracking_sheet_and_its_signing_form_in_welsh_with_criteria_in_english(world, welsh_learner):
    unit = Unit.objects.get(reference=UNIT_A)
    page = _page(client_for(welsh_learner), reverse("tracking:sheet", args=[world.registration.pk, unit.pk]))
    for welsh in ("Taflen Olrhain Tystiolaeth", "Enw’r Dysgwr", "Meini Prawf Asesu", "Dim tystiolaeth", "Ar y gweill"):
        assert welsh in page
    for english in ("Evidence Tracking Sheet", "Learner Name", "Download PDF", "Not signed"):
        assert english not in page
    assert criteria_of(UNIT_A, 1)[0].text in page
    sheets = _page(client_for(welsh_learner), reverse("tracking:registration", args=[world.registration.pk]))
    assert "PDF y cofrestriad cyfan" in sheets and "Whole-registration PDF" not in sheets
    assert unit.title in sheets


def test_english_stays_the_default(world):
    page = _page(client_for(world.learner), reverse("home"))
    assert '<html lang="en-gb">' in page
    assert "My portfolio" in page and "Fy mhortffolio" not in page


def test_choosing_welsh_is_saved_recorded_and_used_at_once(world):
    client = client_for(world.learner)
    page = _page(client, reverse("language"))
    assert "Language / Iaith" in page and "Cymraeg" in page
    response = client.post(reverse("language"), {"language": "cy"}, follow=True)
    assert response.status_code == 200
    world.learner.refresh_from_db()
    assert world.learner.language == "cy"
    event = Event.objects.get(action="user.language_changed", object_id=world.learner.pk)
    assert event.actor == world.learner and event.data == {"before": "", "after": "cy"}
    assert "Mae eich dewis o iaith wedi’i gadw." in response.content.decode()
    assert "Fy mhortffolio" in _page(client, reverse("home"))
    # Back to the browser's language: English here, and recorded too.
    client.post(reverse("language"), {"language": ""})
    world.learner.refresh_from_db()
    assert world.learner.language == ""
    assert Event.objects.filter(action="user.language_changed").count() == 2
    assert "My portfolio" in _page(client, reverse("home"))


def test_an_unknown_language_is_refused_and_nothing_recorded(world):
    response = client_for(world.learner).post(reverse("language"), {"language": "fr"})
    assert response.status_code == 200
    assert response.context["form"].errors["language"]
    world.learner.refresh_from_db()
    assert world.learner.language == ""
    assert not Event.objects.filter(action="user.language_changed").exists()


def test_the_language_page_needs_a_signed_in_person(client, db):
    response = client.get(reverse("language"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_an_anonymous_welsh_browser_gets_the_welsh_sign_in_page(client, db):
    page = _page(client, reverse("login"), accept_language="cy")
    assert '<html lang="cy">' in page
    assert "Mewngofnodi" in page and "Wedi anghofio eich cyfrinair?" in page
    assert "Forgotten your password?" not in page
    english = _page(client, reverse("login"), accept_language="en-GB")
    assert "Forgotten your password?" in english
    # allauth has no Welsh catalogue: its password-reset page is Welsh through ours (centres/auth/allauth_words.py).
    reset = _page(client, reverse("account_reset_password"), accept_language="cy")
    assert "Ailosod fy nghyfrinair" in reset and "Reset My Password" not in reset


def test_error_pages_in_welsh(world, welsh_learner):
    response = client_for(welsh_learner).get(
        reverse("portfolio:registration-portfolio", args=[world.other_centre_registration.pk])
    )
    assert response.status_code == 404
    assert "Ni allwn ddod o hyd i’r dudalen hon" in response.content.decode()


def test_the_accessibility_statement_in_welsh(world, welsh_learner):
    page = _page(client_for(welsh_learner), reverse("accessibility"))
    assert "Datganiad hygyrchedd" in page and "chwyddo hyd at 400% a defnyddio" in page
    assert "How we test it" not in page


def test_an_invitation_email_is_in_the_language_of_the_person_invited(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    from centres.models import User
    from centres.services import invite_user

    nia = User.objects.create_user(email="nia@example.test", full_name="Nia Newydd", language="cy")
    sam = User.objects.create_user(email="sam@example.test", full_name="Sam New")
    with django_capture_on_commit_callbacks(execute=True):
        invite_user(actor=world.admin, user=nia, centre=world.centre, kind="learner")
        invite_user(actor=world.admin, user=sam, centre=world.centre, kind="learner")
    welsh, english = mailoutbox
    assert welsh.subject.endswith("Northgate Training: gosodwch eich cyfrinair Portffolio")
    assert "Helo Nia Newydd," in welsh.body and "wedi’ch cofrestru ar Portffolio" in welsh.body
    assert "Hello Sam New," in english.body and "set your Portfolio password" in english.subject


def test_evidence_page_in_welsh_with_its_date_in_welsh(world, welsh_learner):
    from django.template.defaultfilters import date as format_date
    from django.utils import translation

    evidence = make_evidence(world.registration, criteria=criteria_of(UNIT_A, 2))
    page = _page(client_for(welsh_learner), reverse("portfolio:evidence-detail", args=[evidence.pk]))
    with translation.override("cy"):
        welsh_date = format_date(evidence.date, "DATE_FORMAT")  # e.g. "3 Rhagfyr 2026"
    with translation.override("en-gb"):
        english_date = format_date(evidence.date, "DATE_FORMAT")  # e.g. "3 Dec 2026"
    assert welsh_date in page and english_date not in page
    for welsh in ("Meini prawf a dyfarniadau", "Cyflwynwyd", "Lleoliad yr asesiad", "Adborth"):
        assert welsh in page
    assert criteria_of(UNIT_A, 1)[0].text in page  # the criterion's own words, in English


def test_a_welsh_assessors_judgement_is_said_in_welsh_and_recorded_in_english(world):
    from portfolio.models import EvidenceLink

    world.assessor.language = "cy"
    world.assessor.save(update_fields=["language"])
    evidence = make_evidence(world.registration, criteria=criteria_of(UNIT_A, 1))
    link = evidence.links.get()
    response = client_for(world.assessor).post(
        reverse("portfolio:evidence-judge", args=[evidence.pk]),
        {f"decision-{link.pk}": "accept", "confirm_vacs": "on"},
        follow=True,
    )
    assert response.status_code == 200
    link.refresh_from_db()
    assert link.status == EvidenceLink.Status.ACCEPTED
    messages = " ".join(str(message) for message in response.context["messages"])
    assert "Cadwyd 1 dyfarniad" in messages and "Saved" not in messages
    # The audit history is a record, not interface: its summary stays English whatever the reader's language.
    event = Event.objects.get(action="link.judged", object_id=link.pk)
    assert event.summary.startswith("Accepted evidence ")


def test_a_pdfs_page_images_are_described_in_welsh(world, welsh_learner, django_capture_on_commit_callbacks):
    files = [samples.upload("Nodiadau.pdf", samples.multi_page_pdf(12), "application/pdf")]
    with django_capture_on_commit_callbacks(execute=True):
        evidence = make_evidence(world.registration, criteria=criteria_of(UNIT_A, 1), files=files)
    page = _page(client_for(welsh_learner), reverse("portfolio:evidence-detail", args=[evidence.pk]))
    assert 'alt="Tudalen 1 o 12: Nodiadau.pdf"' in page
    assert "Dim ond y 10 tudalen gyntaf o 12 a ddangosir yma." in page
    assert "Page 1 of 12" not in page and "Only the first" not in page
