"""What the demo's checks share: seeding it as a new user would, and signing in as one of its people."""

import io

from django.core.management import call_command
from django.test import Client

PASSWORD = "demo-pass-2026"


def seed() -> str:
    """`manage.py seed_demo`, with what it prints."""
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def client_for(email: str) -> Client:
    """A browser signed in with the demo password, through the sign-in check (not force_login)."""
    client = Client()
    assert client.login(email=email, password=PASSWORD), email
    return client
