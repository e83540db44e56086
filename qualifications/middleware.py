from .cache import checking_catalogue_version


class CatalogueVersionMiddleware:
    """The catalogue's version is read at most once per request (see qualifications.cache)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with checking_catalogue_version():
            return self.get_response(request)
