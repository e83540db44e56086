"""The floor the main pages are compared with, routed only under the benchmark settings (BENCHMARK_VIEWS)."""

from django.http import HttpResponse


def trivial(request):
    """The least a Django view can do: the same middleware (sessions, CSRF, auth) as every page, no queries."""
    return HttpResponse("ok", content_type="text/plain")
