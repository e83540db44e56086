"""The public catalogue: anyone, signed in or not, may read the specifications."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from qualifications.forms import CriterionSearchForm, QualificationFilterForm
from qualifications.models import Unit
from qualifications.selectors import (
    normalise_query,
    notes_by_source,
    qualifications_listed,
    qualifications_with_structure,
    search_criteria,
    structure_of,
    unit_outline,
)

SEARCH_PAGE_SIZE = 25


@require_safe
def qualification_list(request):
    form = QualificationFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qualifications = qualifications_listed(awarding_body=filters.get("awarding_body") or "", level=filters.get("level"))
    return render(
        request,
        "qualifications/qualification_list.html",
        {"form": form, "qualifications": qualifications, "filtered": bool(filters and any(filters.values()))},
    )


@require_safe
def qualification_detail(request, pk: int):
    qualification = get_object_or_404(qualifications_with_structure(), pk=pk)
    return render(
        request,
        "qualifications/qualification_detail.html",
        {
            "qualification": qualification,
            "structure": structure_of(qualification),
            "pathways": list(qualification.pathways.all()),
            "notes": list(qualification.notes.all()),
        },
    )


@require_safe
def unit_detail(request, pk: int):
    unit = get_object_or_404(Unit, pk=pk)
    return render(request, "qualifications/unit_detail.html", {"outline": unit_outline(unit), "unit": unit})


@require_safe
def criterion_search(request):
    form = CriterionSearchForm(request.GET or None)
    query = normalise_query(form.cleaned_data["q"]) if form.is_valid() else ""
    page = page_range = None
    if query:
        paginator = Paginator(search_criteria(query), SEARCH_PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        page_range = list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    return render(
        request,
        "qualifications/search.html",
        {"form": form, "query": query, "page": page, "page_range": page_range, "ellipsis": Paginator.ELLIPSIS},
    )


@require_safe
def notes(request):
    return render(request, "qualifications/notes.html", {"sources": notes_by_source()})
