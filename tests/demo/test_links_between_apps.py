"""The pages of the portfolio, tracking and registration apps link to each other, and each link opens for the
person who sees it."""

import datetime as dt

import pytest
from django.urls import reverse

from portfolio.models import EqaShare, EqaShareItem
from portfolio.services.judgement import judge_link, mark_criterion_met
from tests.factories import client_for
from tests.portfolio.helpers import UNIT_A, criteria_of, link_for, make_evidence

pytestmark = pytest.mark.django_db


def _hrefs_open(client, page: str, urls: list[str]) -> None:
    for url in urls:
        assert f'href="{url}"' in page or f'action="{url}"' in page, url
        if f'href="{url}"' in page:
            assert client.get(url).status_code == 200, url


def test_portfolio_page_links_to_every_units_sheet_the_sheets_page_and_the_registration_pdf(world):
    registration = world.registration
    for user in (world.learner, world.assessor, world.iqa, world.admin):
        client = client_for(user)
        page = client.get(reverse("portfolio:registration-portfolio", args=[registration.pk])).text
        urls = [reverse("tracking:registration", args=[registration.pk])]
        for unit in registration.units.all():
            urls += [
                reverse("tracking:sheet", args=[registration.pk, unit.pk]),
                reverse("tracking:sheet-pdf", args=[registration.pk, unit.pk]),
            ]
        _hrefs_open(client, page, urls)
        assert f'action="{reverse("tracking:registration-pdf", args=[registration.pk])}"' in page


def test_unit_progress_page_links_to_its_tracking_sheet(world):
    registration = world.registration
    unit = registration.units.get(reference=UNIT_A)
    client = client_for(world.learner)
    page = client.get(reverse("portfolio:unit-progress", args=[registration.pk, unit.pk])).text
    _hrefs_open(
        client,
        page,
        [
            reverse("tracking:sheet", args=[registration.pk, unit.pk]),
            reverse("tracking:sheet-pdf", args=[registration.pk, unit.pk]),
        ],
    )


def test_centre_admins_registration_page_links_to_the_portfolio_and_the_sheets(world):
    registration = world.registration
    client = client_for(world.admin)
    page = client.get(reverse("portfolio:registration-detail", args=[registration.pk])).text
    urls = [
        reverse("portfolio:registration-portfolio", args=[registration.pk]),
        reverse("tracking:registration", args=[registration.pk]),
        *[reverse("tracking:sheet", args=[registration.pk, unit.pk]) for unit in registration.units.all()],
    ]
    _hrefs_open(client, page, urls)


def test_an_eqa_is_not_offered_the_portfolio_they_cannot_open(world):
    registration = world.registration
    today = dt.date.today()
    share = EqaShare.objects.create(
        centre=registration.centre,
        eqa=world.eqa,
        starts_on=today,
        ends_on=today + dt.timedelta(days=30),
        created_by=world.admin,
    )
    EqaShareItem.objects.create(share=share, registration=registration)
    client = client_for(world.eqa)
    response = client.get(reverse("portfolio:registration-detail", args=[registration.pk]))
    assert response.status_code == 200
    portfolio_url = reverse("portfolio:registration-portfolio", args=[registration.pk])
    assert portfolio_url not in response.text
    assert client.get(portfolio_url).status_code == 404
    _hrefs_open(client, response.text, [reverse("tracking:registration", args=[registration.pk])])


def test_tracking_sheet_rows_link_each_reference_to_its_evidence_page(world):
    registration = world.registration
    criterion = criteria_of(UNIT_A, 1)[0]
    evidence = make_evidence(registration, criteria=[criterion])
    judge_link(actor=world.assessor, link=link_for(evidence, criterion), accepted=True)
    mark_criterion_met(actor=world.assessor, registration=registration, criterion=criterion)
    client = client_for(world.learner)
    page = client.get(reverse("tracking:sheet", args=[registration.pk, criterion.unit_id])).text
    _hrefs_open(client, page, [reverse("portfolio:evidence-detail", args=[evidence.pk])])
