"""What the API's operations share: the id in a path, paging, the error answers, the token's registrations and the
note of an API write in the history."""

from __future__ import annotations

from typing import Annotated

import annotated_types
from django.shortcuts import get_object_or_404
from ninja import Field, Schema

from centres.models import record_event
from portfolio.models import Registration

from .. import schemas as s
from ..models import ApiToken

# An object's id in a path: a positive 64-bit integer, so that a number no database column can hold is refused (422)
# before any query is built.
ObjectId = Annotated[int, annotated_types.Interval(ge=1, le=2**63 - 1)]

ERRORS = {401: s.Problem, 403: s.Problem, 404: s.Problem, 413: s.Problem, 422: s.Problem, 429: s.Problem}
MAX_LIMIT = 200


class Paging(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=10_000_000)


def page_bounds(paging: Paging) -> tuple[int, int]:
    return paging.limit, paging.offset


def centre_registrations(token: ApiToken):
    return Registration.objects.filter(centre_id=token.centre_id).select_related(
        "learner", "qualification", "pathway", "assessor", "iqa", "tutor"
    )


def centre_registration(token: ApiToken, registration_id: int) -> Registration:
    return get_object_or_404(centre_registrations(token), pk=registration_id)


def record_api_write(request, token: ApiToken, registration: Registration, what: str) -> None:
    """The token beside the services' own entries: which integration made the change, in the same transaction."""
    record_event(
        action="api.write",
        obj=registration,
        actor=token.created_by,
        registration=registration,
        actor_label=f"API token {token.name}",
        summary=f"{what} through the API token {token.name}",
        token=token.name,
        token_id=token.pk,
        method=request.method,
        path=request.path,
    )
