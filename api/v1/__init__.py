"""Version 1 of the REST API, for a centre's management information system and other integrations.

Every operation reads only the calling token's centre (another centre's ids are a 404), needs one scope (403
without it), and writes only through the portfolio's services, which check the rules and record the history; the
token's name is recorded beside each write (`common.record_api_write`). See docs/api.md.

One module per group of operations (the schema's tags), each a router mounted here in the schema's order; this
module holds the API itself and how its errors are answered."""

from __future__ import annotations

from ninja import NinjaAPI

from core.errors import DomainError, NotAllowed

from ..auth import BodyTooLarge, RateLimited, TokenAuth, max_body_bytes
from . import apprenticeships, evidence, progress, registrations, signatures


class _Api(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        # The ids the schema published before the operations were split into modules (api_v1_<function>): clients
        # generated from the schema name their methods by them.
        return f"api_v1_{operation.view_func.__name__}"


api = _Api(
    title="E-portfolio API",
    version="1",
    urls_namespace="api-v1",
    auth=TokenAuth(),
    description="A centre's registrations, progress, evidence, signatures and apprenticeship records. See docs/api.md.",
)
for group in (registrations, progress, evidence, signatures, apprenticeships):
    api.add_router("", group.router)


@api.exception_handler(RateLimited)
def _rate_limited(request, exc: RateLimited):
    response = api.create_response(request, {"detail": "Too many requests: try again later."}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(BodyTooLarge)
def _too_large(request, exc):
    return api.create_response(request, {"detail": f"The body is larger than {max_body_bytes()} bytes."}, status=413)


@api.exception_handler(NotAllowed)
def _not_allowed(request, exc: NotAllowed):
    return api.create_response(request, {"detail": str(exc)}, status=403)


@api.exception_handler(DomainError)
def _refused(request, exc: DomainError):
    errors = {key or "__all__": messages for key, messages in exc.field_errors().items()}
    return api.create_response(request, {"detail": str(exc), "errors": errors}, status=422)
