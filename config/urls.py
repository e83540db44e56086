from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView, TemplateView

from api.v1 import api as api_v1

# The Django admin signs in through the site's own sign-in page (allauth), so its rate limits and MFA apply there
# too: /admin/login/ sends people on to /accounts/login/?next=...
admin.site.login = secure_admin_login(admin.site.login)


class FaviconRedirect(RedirectView):
    """To the icon's static URL, looked up when asked: under the production settings that URL carries the file's
    hash from the static files' manifest, which does not exist yet when the URLs are first loaded (before
    collectstatic, or in `manage.py check`)."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        return static("favicon.ico")


urlpatterns = [
    path("", include("centres.urls")),
    path("qualifications/", include("qualifications.urls")),
    path("portfolio/", include("portfolio.urls")),
    path("tracking/", include("tracking.urls")),
    path("quality/", include("quality.urls")),
    path("exchange/", include("exchange.urls")),
    path("planning/", include("planning.urls")),
    path("conversations/", include("conversations.urls")),
    path("observations/", include("observations.urls")),
    path("notifications/", include("notifications.urls")),
    path("apprenticeships/", include("apprenticeships.urls")),
    path("api/", include("api.urls")),
    path("api/v1/", api_v1.urls),  # the REST API (its own namespace, api-v1: ninja reverses its root by it)
    path("admin/", admin.site.urls),
    path("accessibility/", TemplateView.as_view(template_name="accessibility.html"), name="accessibility"),
    # Browsers ask for /favicon.ico whatever the page's <link rel=icon> says.
    path("favicon.ico", FaviconRedirect.as_view(), name="favicon"),
]

if getattr(settings, "BENCHMARK_VIEWS", False):
    # The benchmark settings only (config/settings/benchmark.py): the trivial view the main pages are compared with.
    urlpatterns.append(path("", include("benchmarks.urls")))
