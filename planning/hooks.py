"""Questions planning asks the apps above it (see centres/hooks.py for the pattern)."""

from __future__ import annotations

from collections.abc import Callable

from centres.hooks import Hook

visit_actions = Hook[Callable[..., list]](
    "What the person may record for one learner during a visit, for the visit's page (user, visit, registration) "
    "-> a list of (url, label)"
)
