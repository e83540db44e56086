"""The apprenticeship services: each atomic, checks its rule, records an Event, raises an ApprenticeshipError."""

from __future__ import annotations

import hashlib
import json

from django.utils.translation import gettext as _

import core.errors
from centres.access import has_role
from centres.models import Role
from portfolio.services.checks import is_assessor, is_learner


class ApprenticeshipError(core.errors.DomainError):
    pass


class NotAllowed(ApprenticeshipError, core.errors.NotAllowed):
    pass


class LinkRefused(ApprenticeshipError):
    """An employer link that cannot be used: the employer is told why and to ask for a new one."""


def content_hash(content: dict) -> str:
    """SHA-256 of the canonical form of the content (keys sorted, no spaces, UTF-8)."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def is_provider(user, registration) -> bool:
    """The provider signs through a staff member: the learner's assessor or an admin of the centre."""
    return is_assessor(user, registration) or has_role(user, Role.CENTRE_ADMIN, registration.centre_id)


def can_record_otj(user, registration) -> bool:
    return is_learner(user, registration) or is_provider(user, registration)


def require(condition: bool, message: str) -> None:
    if not condition:
        raise NotAllowed(message)


def require_active(registration) -> None:
    if registration.status != registration.Status.ACTIVE:
        raise ApprenticeshipError(
            _("This registration is %(status)s; the apprenticeship can no longer change.")
            % {"status": registration.get_status_display().lower()}
        )
