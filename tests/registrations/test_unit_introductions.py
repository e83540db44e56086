"""Choosing optional units at registration: each unit's introduction beside it (folded), and its advice on whether
to choose it ("Learners should not choose this unit if …") in plain sight."""

import pytest
from django.urls import reverse

from qualifications.models import Qualification, Unit
from tests.page_text import places as _places
from tests.page_text import shown_folded as _shown_folded
from tests.page_text import shown_open as _shown_open

pytestmark = pytest.mark.django_db


def _form_page(client, world, number: str) -> str:
    client.force_login(world.admin)
    qualification = Qualification.objects.get(number=number)
    url = reverse("portfolio:registration-create", args=[world.centre.pk]) + f"?qualification={qualification.pk}"
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_optional_units_show_their_introduction_folded_and_their_choosing_advice_open(client, world):
    html = _form_page(client, world, "600/5469/4")  # the NVQ Certificate: optional units in groups A-D
    advice = (
        "Learners should not choose this unit if their organisation does not want them to suggest additional "
        "services or products to customers."
    )
    assert _shown_open(html, advice)
    opening = "Services or products are continually changing in organisations"
    assert Unit.objects.get(reference="D/601/0936").summary.startswith(opening)
    assert _shown_folded(html, opening)
    assert "Unit introduction" in html
    # A unit whose introduction gives no such advice has its introduction only.
    assert _shown_folded(html, "Many organisations rely on dealing with incoming telephone calls")
    # D/601/0936's sentence, and two each from A/601/1219 and T/601/1512 ("Do not choose this unit if …"): no other.
    assert html.count("Choosing this unit:") == 5
    assert _shown_open(html, "Do not choose this unit if it will be hard to find evidence")


def test_mandatory_units_are_not_offered_with_introductions(client, world):
    html = _form_page(client, world, "600/5469/4")
    mandatory = Unit.objects.get(reference="F/601/1609")
    assert mandatory.summary
    assert not _places(html, mandatory.summary[:60])
