"""The floors the main pages are compared with, routed only under the benchmark settings (BENCHMARK_VIEWS)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.template import engines

# A page of the product with nothing on it: the layout every signed-in page draws (navigation by role, the
# notification bell's count, the footer) around an empty content block.
_EMPTY_PAGE = engines["django"].from_string('{% extends "base.html" %}')


def trivial(request):
    """The least a Django view can do: the same middleware (sessions, CSRF, auth) as every page, no queries."""
    return HttpResponse("ok", content_type="text/plain")


@login_required
def layout(request):
    """The least a signed-in page of the product costs: the trivial view's work, then the layout with no content."""
    return HttpResponse(_EMPTY_PAGE.render({}, request))
