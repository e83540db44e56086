"""The client's address as the signatures record it: one rule for every app, through allauth's adapter, which reads
X-Forwarded-For only through the proxies we trust (ALLAUTH_TRUSTED_PROXY_COUNT)."""

from allauth.account.adapter import get_adapter


def client_ip(request) -> str | None:
    try:
        return get_adapter(request).get_client_ip(request)
    except Exception:  # allauth refuses a malformed address: the signature is kept without it
        return None
