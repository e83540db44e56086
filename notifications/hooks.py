"""What the notifications app asks the apps above it.

Staff roles (memberships) and EQA links live in `centres`, below us; whether a learner still belongs to a centre
is the portfolio's to say (an active registration), so the portfolio answers `belonging` in its AppConfig.ready().
"""

from __future__ import annotations

from collections.abc import Callable

from centres.hooks import Hook

belonging = Hook[Callable[..., set]](
    "Which of these people still belong to these centres other than by a staff role or EQA link "
    "(user_ids, centre_ids) -> a set of (user id, centre id)"
)
