"""The IQA's sampling progress against plan, drawn as SVG bars beside its words and figures."""

import re

import pytest
from django.urls import reverse

from tests.factories import client_for
from tests.quality.helpers import start_unit, take_sample

pytestmark = pytest.mark.django_db


def chart_rows(page: str) -> list[tuple[str, str]]:
    """(label, figure) of each bar of the sampling chart."""
    chart = page.split('id="sampling-chart-title"', 1)[1].split("</table>", 1)[0]
    return re.findall(
        r'<th scope="row" class="bar-label fw-normal">([^<]+)</th>.*?<td class="bar-figure">([^<]+)</td>', chart, re.S
    )


def test_plan_page_draws_each_assessors_sampling_against_plan(world, plan, unit1):
    start_unit(world.registration, unit1)
    client = client_for(world.iqa)
    url = reverse("quality:plan-detail", args=[plan.pk])
    before = client.get(url).content.decode()
    assert (f"{world.assessor}: interim", "0 of 1") in chart_rows(before)
    assert 'class="chart-bar-value bar-amber" x="0" y="0" width="0"' in before
    take_sample(plan, world.registration, unit1)
    after = client.get(url).content.decode()
    assert (f"{world.assessor}: interim", "1 of 1") in chart_rows(after)
    assert 'class="chart-bar-value bar-green" x="0" y="0" width="100"' in after
    # The bars are hidden from screen readers: the table's words and figures say the same.
    assert '<caption class="caption-top text-body">Units sampled of units planned' in after


def test_iqa_home_panel_shows_the_chart_per_plan(world, plan, unit1):
    start_unit(world.registration, unit1)
    client = client_for(world.iqa)
    page = client.get(reverse("home")).content.decode()
    assert "Sampling progress against plan" in page
    assert f"{world.assessor}: interim" in page
