"""Helpers for the centres and registration tests."""

import re

from django.core import mail

from tests.factories import PASSWORD


def sign_in(client, user) -> None:
    assert client.login(email=user.email, password=PASSWORD)


def invitation_link(message) -> str:
    """The path of the set-password link in an invitation email."""
    match = re.search(r"https?://[^/\s]+(/centres/invitations/[^\s/]+/)", message.body)
    assert match, message.body
    return match.group(1)


def last_mail_to(email: str):
    messages = [message for message in mail.outbox if email in message.to]
    assert messages, f"no email to {email}"
    return messages[-1]
