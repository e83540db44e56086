"""Who is calling the API: a bearer token, live, of one centre; each token limited in requests per minute and each
request in size. The scope an operation needs is checked by the operation (`require`)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer

from .models import ApiToken, hash_secret

# last_used_at is written at most this often per token, so reading the API does not write a row per request.
LAST_USED_EVERY_SECONDS = 60


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        self.retry_after = retry_after


class BodyTooLarge(Exception):
    pass


def max_body_bytes() -> int:
    return getattr(settings, "API_MAX_BODY_BYTES", 65_536)


def rate_per_minute() -> int:
    return getattr(settings, "API_RATE_PER_MINUTE", 120)


def _count_request(token: ApiToken) -> None:
    now = time.time()
    minute = int(now // 60)
    key = f"api-rate:{token.pk}:{minute}"
    cache.add(key, 0, timeout=90)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=90)
        count = 1
    if count > rate_per_minute():
        raise RateLimited(retry_after=max(1, 60 - int(now % 60)))


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str) -> ApiToken | None:
        if int(request.META.get("CONTENT_LENGTH") or 0) > max_body_bytes():
            raise BodyTooLarge
        found = ApiToken.objects.live().select_related("centre", "created_by").filter(token_hash=hash_secret(token))
        api_token = found.first()
        if api_token is None:
            return None
        _count_request(api_token)
        now = timezone.now()
        if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() > LAST_USED_EVERY_SECONDS:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        return api_token


def require(request, scope: str) -> ApiToken:
    """The calling token, if it holds `scope`; else 403."""
    token: ApiToken = request.auth
    if not token.allows(scope):
        raise HttpError(403, f"This token does not have the {scope} scope.")
    return token
