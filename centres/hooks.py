"""Questions a lower app asks and the apps built on it answer.

Imports only point down (qualifications, centres < portfolio < tracking < quality < dashboard/demo: see the
import contract in pyproject.toml). When a lower app needs an answer only a higher one holds (how many learners
a person assesses, what a trainee decided that still waits for countersignature), it asks a `Hook`, and the
higher app registers its answer in its AppConfig.ready(). Each hook says what its answers look like; the asker
combines them. A hook nobody answered gives no answers.
"""

from __future__ import annotations

import operator
from collections import Counter
from collections.abc import Callable
from functools import reduce
from typing import Any, Generic, TypeVar

from django.db.models import Q

Answer = TypeVar("Answer", bound=Callable[..., Any])


class Hook(Generic[Answer]):
    def __init__(self, question: str):
        self.question = question
        self._answers: list[Answer] = []

    def register(self, answer: Answer) -> Answer:
        """Add an answer (call it from the answering app's AppConfig.ready). Idempotent."""
        if answer not in self._answers:
            self._answers.append(answer)
        return answer

    def ask(self, *args, **kwargs) -> list:
        return [answer(*args, **kwargs) for answer in self._answers]

    def __repr__(self) -> str:
        return f"<Hook: {self.question}>"


# --- What the centres app asks ------------------------------------------------------------------------------

session_user_values = Hook[Callable[[], dict]](
    "What to read with a signed-in person's session row, in the same query () -> {name: expression over "
    "UserSession (its person is user_id)}; centres.sessions sets each value on the person as `session_<name>`"
)

session_user_loaded = Hook[Callable[..., None]](
    "What to take from the person just read with their session row, their `session_<name>` values set (user) -> "
    "None: the catalogue's version, read with the session, kept for the request"
)

learners_registered = Hook[Callable[..., Q]](
    "Who is registered as a learner at a centre (centre) -> a Q over User, to filter in the database"
)
caseloads = Hook[Callable[..., Counter]](
    "How many active learners each person assesses or quality-assures at a centre (centre) -> Counter of "
    "(role, user id)"
)
awaiting_countersignature = Hook[Callable[..., str]](
    "What a trainee decided at a centre that still waits for their countersignatory (membership) -> words, such "
    'as "2 IQA samples", or "" for nothing'
)
work_with_learner = Hook[Callable[..., list]](
    "A staff member's active work with a learner at a centre, as assessor or IQA (centre, staff, learner) -> "
    "a list of what names each piece (a registration)"
)


def learners_at(centre) -> Q:
    """The people registered as learners at the centre, as a filter on User."""
    return reduce(operator.or_, learners_registered.ask(centre), Q(pk__in=[]))


def caseloads_at(centre) -> Counter:
    """(role, user id) -> how many active learners that person has in that role at the centre."""
    return sum(caseloads.ask(centre), Counter())
