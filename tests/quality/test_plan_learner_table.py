"""The plan page's "Learners × interim and summative" table, which the page writes in one pass (quality's
plan_tags): each learner's row, its cells and its escaping, read off the page."""

import re

from django.urls import reverse

from centres.models import Role
from tests.factories import make_staff

from .helpers import client_for, complete_and_sign, make_plan, start_unit, take_sample


def _learner_rows(page: str) -> dict[str, tuple[str, str, str, str]]:
    """Learner name -> (assessor, interim cell, summative cell) as written, each cell with its attributes."""
    table = page.split("How many interim and summative samples each learner has had", 1)[1].split("</table>", 1)[0]
    rows = re.findall(
        r'<tr><th scope="row" class="fw-normal">(.*?)</th><td>(.*?)</td>(<td[^>]*>.*?</td>)(<td[^>]*>.*?</td>)</tr>',
        table,
    )
    return {learner: (assessor, interim, summative) for learner, assessor, interim, summative in rows}


def test_each_learner_has_a_row_with_sampled_gap_and_nothing_to_sample_cells(world, plan, unit1, unit2):
    start_unit(world.registration, unit1)
    complete_and_sign(world.other_registration, unit2)
    take_sample(plan, world.registration, unit1)

    page = client_for(world.iqa).get(reverse("quality:plan-detail", args=[plan.pk])).content.decode()
    rows = _learner_rows(page)

    sampled = rows[world.learner.full_name]
    assert sampled == (str(world.assessor), '<td class="table-success">✓ 1</td>', "<td>–</td>")
    signed_not_sampled = rows[world.other_learner.full_name]
    assert signed_not_sampled[1:] == ("<td>–</td>", '<td class="table-warning"><strong>gap</strong></td>')
    nothing_started = rows[world.trainee_registration.learner.full_name]
    assert nothing_started[1:] == ("<td>–</td>", "<td>–</td>")
    assert len(rows) == len({world.registration.pk, world.other_registration.pk, world.trainee_registration.pk})


def test_names_in_the_learner_table_are_escaped(world, plan, unit1):
    world.learner.full_name = '<b onmouseover="x()">Ann</b> & Co'
    world.learner.save(update_fields=["full_name"])
    start_unit(world.registration, unit1)

    page = client_for(world.iqa).get(reverse("quality:plan-detail", args=[plan.pk])).content.decode()

    assert "&lt;b onmouseover=&quot;x()&quot;&gt;Ann&lt;/b&gt; &amp; Co" in _learner_rows(page)
    assert '<b onmouseover="x()">' not in page


def test_a_plan_with_no_learners_says_so(world):
    iqa_without_learners = make_staff(world.centre, Role.IQA)
    plan = make_plan(world, iqa=iqa_without_learners)

    page = client_for(iqa_without_learners).get(reverse("quality:plan-detail", args=[plan.pk])).content.decode()

    assert _learner_rows(page) == {}
    assert '<tr><td colspan="4">No learners.</td></tr>' in page
