"""The public catalogue pages: list, qualification, unit, criteria search and catalogue notes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qualifications.models import AssessmentCriterion, CatalogueNote, Qualification, Unit

pytestmark = pytest.mark.django_db


def qualification_url(number):
    return reverse("qualifications:detail", args=[Qualification.objects.get(number=number).pk])


def unit_url(reference):
    return reverse("qualifications:unit", args=[Unit.objects.get(reference=reference).pk])


def page_urls():
    return [
        reverse("qualifications:list"),
        qualification_url("600/5469/4"),
        unit_url("M/617/6443"),
        reverse("qualifications:search") + "?q=customer",
        reverse("qualifications:notes"),
    ]


# Who may read: everyone. The catalogue is public information.


def test_anonymous_visitors_can_read_every_catalogue_page(client):
    for url in page_urls():
        response = client.get(url)
        assert response.status_code == 200, url


def test_signed_in_users_of_any_role_can_read_every_catalogue_page(client, world):
    for user in [world.learner, world.assessor, world.iqa, world.admin, world.eqa, world.other_admin]:
        client.force_login(user)
        for url in page_urls():
            assert client.get(url).status_code == 200, (user, url)


def test_catalogue_pages_change_nothing_so_refuse_post(client, world):
    client.force_login(world.admin)
    for url in page_urls():
        assert client.post(url).status_code == 405, url


def test_unknown_qualification_or_unit_is_not_found(client):
    assert client.get(reverse("qualifications:detail", args=[999999])).status_code == 404
    assert client.get(reverse("qualifications:unit", args=[999999])).status_code == 404


def test_pages_are_phone_friendly_with_labelled_landmarks(client):
    for url in page_urls():
        html = client.get(url).content.decode()
        assert 'name="viewport"' in html
        assert '<main id="main"' in html
        assert "<h1" in html
        if "<table" in html:
            assert "table-responsive" in html, url


# Qualification list


def test_list_shows_every_qualification_with_links(client):
    response = client.get(reverse("qualifications:list"))
    for qualification in Qualification.objects.all():
        assert qualification.number in response.content.decode()
        assert qualification_url(qualification.number) in response.content.decode()


def test_list_filters_by_awarding_body(client):
    response = client.get(reverse("qualifications:list"), {"awarding_body": "ncfe"})
    numbers = [q.number for q in response.context["qualifications"]]
    assert numbers == ["603/5681/9"]


def test_list_filters_by_level(client):
    response = client.get(reverse("qualifications:list"), {"level": "1"})
    assert {q.number for q in response.context["qualifications"]} == {"603/4351/5", "603/4353/9", "603/4354/0"}
    response = client.get(reverse("qualifications:list"), {"level": "2", "awarding_body": "highfield"})
    assert {q.number for q in response.context["qualifications"]} == {"600/5472/4", "603/4687/5", "600/5469/4"}


def test_list_filter_fields_have_labels(client):
    html = client.get(reverse("qualifications:list")).content.decode()
    assert '<label class="form-label" for="id_awarding_body">Awarding body</label>' in html
    assert '<label class="form-label" for="id_level">Level</label>' in html


def test_list_with_an_unknown_filter_says_so_and_shows_everything(client):
    response = client.get(reverse("qualifications:list"), {"level": "nine", "awarding_body": "<b>x</b>"})
    assert response.status_code == 200
    assert len(response.context["qualifications"]) == Qualification.objects.count()
    assert "That filter is not one we know" in response.content.decode()
    assert "<b>x</b>" not in response.content.decode()


# Qualification page


def test_qualification_page_shows_mandatory_units_groups_minimums_credits_and_glh(client):
    response = client.get(qualification_url("600/5469/4"))
    html = response.content.decode()
    assert "Mandatory units" in html
    assert "F/601/1609" in html and "L/601/1614" in html
    for group in "ABCD":
        assert f"Group {group}: choose at least 1 unit" in html
    assert "At least 20 credits from the optional units." in html
    structure = response.context["structure"]
    assert [m.unit.reference for m in structure.mandatory] == ["F/601/1609", "L/601/1614"]
    assert [len(g.memberships) for g in structure.groups] == [16, 11, 7, 13]
    assert structure.mandatory_credit == 8 and structure.mandatory_glh == 60
    assert unit_url("D/601/1519") in html


def test_qualification_page_of_a_glh_rule_shows_the_minimum(client):
    html = client.get(qualification_url("603/4351/5")).content.decode()
    assert "At least 45 guided learning hours from any of the units." in html
    assert "Units to choose from" in html


def test_qualification_page_names_its_pathways(client):
    html = client.get(qualification_url("603/4687/5")).content.decode()
    assert "Face to face" in html and "Non-facing" in html
    assert "Every unit below must be achieved." in html


def test_qualification_page_lists_its_catalogue_notes(client):
    html = client.get(qualification_url("600/5469/4")).content.decode()
    note = CatalogueNote.objects.get(qualification__number="600/5469/4", field="number")
    assert "Catalogue notes" in html
    assert "Appendix 2 prints" in html and note.corrected in html


@pytest.mark.parametrize("small, large", [("600/5472/4", "600/5469/4"), ("603/5681/9", "603/4687/5")])
def test_qualification_page_queries_do_not_grow_with_its_units(client, small, large):
    client.get(qualification_url(small))  # warm up anything cached once per process
    with CaptureQueriesContext(connection) as small_queries:
        assert client.get(qualification_url(small)).status_code == 200
    with CaptureQueriesContext(connection) as large_queries:
        assert client.get(qualification_url(large)).status_code == 200
    assert (
        Qualification.objects.get(number=large).memberships.count()
        > 2 * Qualification.objects.get(number=small).memberships.count()
    )
    assert len(small_queries) == len(large_queries)


def test_qualification_page_queries_are_the_same_for_a_signed_in_user(client, world):
    client.force_login(world.assessor)
    client.get(qualification_url("600/5472/4"))
    with CaptureQueriesContext(connection) as small_queries:
        client.get(qualification_url("600/5472/4"))
    with CaptureQueriesContext(connection) as large_queries:
        client.get(qualification_url("600/5469/4"))
    assert len(small_queries) == len(large_queries)


# Unit page


def test_unit_page_shows_outcomes_with_their_criteria(client):
    response = client.get(unit_url("J/600/1003"))
    html = response.content.decode()
    outline = response.context["outline"]
    assert [block.outcome.number for block in outline.outcomes] == ["1", "2", "3", "4", "5"]
    assert [len(block.rows) for block in outline.outcomes] == [10, 8, 5, 3, 6]
    assert "Learning outcome 1:" in html
    criterion = AssessmentCriterion.objects.get(unit__reference="J/600/1003", code="1.1")
    assert criterion.text in html
    assert "Highfield Level 2 Certificate in Customer Service (RQF)" in html  # the qualification it is part of


def test_unit_page_keeps_letter_prefixed_codes(client):
    html = client.get(unit_url("J/617/6433")).content.decode()
    assert "Learning outcome K1:" in html
    assert ">K1.1<" in html


def test_unit_page_shows_guidance_beside_each_criterion_and_types_of_evidence(client):
    html = client.get(unit_url("F/618/0495")).content.decode()
    assert '<th scope="col">Guidance</th>' in html
    criterion = AssessmentCriterion.objects.get(unit__reference="F/618/0495", code="1.1")
    assert criterion.guidance in html
    assert "Types of evidence</h4>" in html
    # the printed bulleted list stays a list
    assert '<p class="mb-1">Evidence could include:</p><ul class="mb-1"><li>written answers</li>' in html


def test_unit_page_marks_the_pathway_of_alternative_criteria(client):
    response = client.get(unit_url("M/617/6443"))
    html = response.content.decode()
    rows = {row.criterion.code: row for block in response.context["outline"].outcomes for row in block.rows}
    assert rows["S9.1"].criterion.pathway.name == "Face to face"
    assert rows["S9.4"].criterion.pathway.name == "Non-facing"
    assert html.count("Face to face pathway only") == 3
    assert html.count("Non-facing pathway only") == 3


def test_unit_page_shows_corrections_beside_the_criterion_they_correct(client):
    response = client.get(unit_url("T/617/5410"))
    html = response.content.decode()
    rows = {row.criterion.code: row for block in response.context["outline"].outcomes for row in block.rows}
    assert [note.printed for note in rows["1.1"].notes] == ["2.1"]
    assert '<span class="criterion-code">1.1</span> <span class="printed-code small text-body-secondary">' in html
    assert "(printed as 2.1)" in html
    assert "are renumbered 1.1-1.4" in html
    assert "<details" in html


def test_unit_page_shows_notes_on_the_unit_itself(client):
    response = client.get(unit_url("L/601/0933"))
    assert [note.field for note in response.context["outline"].unit_notes] == ["level"]
    assert "Catalogue notes on this unit" in response.content.decode()


def test_unit_page_queries_do_not_grow_with_its_criteria(client):
    small, large = "D/617/6437", "D/601/1519"
    assert Unit.objects.get(reference=large).criteria.count() > 5 * Unit.objects.get(reference=small).criteria.count()
    client.get(unit_url(small))
    with CaptureQueriesContext(connection) as small_queries:
        client.get(unit_url(small))
    with CaptureQueriesContext(connection) as large_queries:
        client.get(unit_url(large))
    assert len(small_queries) == len(large_queries)


def test_unit_page_queries_do_not_grow_with_its_notes(client):
    # T/617/5410 has a note on four criteria, J/600/0658 none.
    client.get(unit_url("J/600/0658"))
    with CaptureQueriesContext(connection) as plain:
        client.get(unit_url("J/600/0658"))
    with CaptureQueriesContext(connection) as noted:
        client.get(unit_url("T/617/5410"))
    assert len(plain) == len(noted)


# Search


def search(client, q, **extra):
    return client.get(reverse("qualifications:search"), {"q": q, **extra})


def test_search_is_case_insensitive_and_grouped_by_unit(client):
    lower = search(client, "complaint")
    upper = search(client, "COMPLAINT")
    assert lower.context["page"].paginator.count == upper.context["page"].paginator.count > 0
    expected = AssessmentCriterion.objects.filter(text__icontains="complaint").count()
    assert lower.context["page"].paginator.count == expected
    html = lower.content.decode()
    first = lower.context["page"].object_list[0]
    assert f'<h2 class="h5" id="unit-{first.unit.pk}">' in html
    assert '<mark class="p-0">complaint</mark>' in html.lower()


def test_search_finds_criteria_by_code(client):
    response = search(client, "s9")
    codes = [c.code for c in response.context["page"].object_list]
    assert codes == ["S9.1", "S9.2", "S9.3", "S9.4", "S9.5", "S9.6"]
    assert "Face to face pathway only" in response.content.decode()


def test_search_is_paginated(client):
    first = search(client, "customer")
    page = first.context["page"]
    assert page.paginator.num_pages > 2
    assert len(page.object_list) == 25
    second = search(client, "customer", page=2)
    assert second.context["page"].number == 2
    assert not set(second.context["page"].object_list) & set(page.object_list)
    assert "?q=customer&amp;page=2" in first.content.decode()


def test_search_echoes_the_query_safely(client):
    response = search(client, '<script>alert("x")</script>')
    html = response.content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "No criterion matches" in html


def test_search_highlight_escapes_the_text_around_the_match(client):
    from qualifications.templatetags.catalogue import highlight

    assert highlight("a <b> & b", "b") == 'a &lt;<mark class="p-0">b</mark>&gt; &amp; <mark class="p-0">b</mark>'


def test_search_without_a_query_shows_only_the_form(client):
    response = client.get(reverse("qualifications:search"))
    assert response.context["page"] is None
    assert 'role="search"' in response.content.decode()
    assert '<label class="form-label" for="id_q">' in response.content.decode()


def test_search_queries_do_not_grow_with_the_results(client):
    search(client, "S9")
    with CaptureQueriesContext(connection) as few:
        search(client, "S9")
    with CaptureQueriesContext(connection) as many:
        search(client, "customer")
    assert len(few) == len(many)


# Catalogue notes


def test_notes_page_lists_every_correction_and_judgement(client):
    response = client.get(reverse("qualifications:notes"))
    html = response.content.decode()
    notes = list(CatalogueNote.objects.all())
    assert sum(len(group.notes) for group in response.context["sources"]) == len(notes)
    for note in notes:
        assert note.get_kind_display() in html
    # a conflicting level, a duplicated unit number, a misnumbered criterion, a differing title
    assert "Level 2 is taken" in html
    assert "prints &quot;Unit 24&quot; twice" in html
    assert "renumbered 1.1-1.4" in html
    assert "The unit header&#x27;s wording is used" in html
    assert unit_url("T/617/5410") in html


def test_notes_page_queries_do_not_grow_with_the_notes(client):
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("qualifications:notes"))
    note = CatalogueNote.objects.first()
    for order in range(20):
        CatalogueNote.objects.create(
            source=note.source, kind="judgement", unit=note.unit, explanation=f"Extra {order}", order=1000 + order
        )
    with CaptureQueriesContext(connection) as after:
        response = client.get(reverse("qualifications:notes"))
    assert "Extra 19" in response.content.decode()
    assert len(before) == len(after)
