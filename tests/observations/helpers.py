"""Helpers for the observation tests: the record's input, a drawn signature and the snapshot a signing page sends."""

from __future__ import annotations

import base64
import json

from observations.services.recording import RecordInput
from observations.services.signatures import SignatureInput
from tests import samples
from tests.portfolio.helpers import UNIT_A, criteria_of, today

DRAWN = "data:image/png;base64," + base64.b64encode(samples.png_bytes()).decode()


def record_input(criteria=None, *, files=None, token="", observed="Greeted each customer and checked their order."):
    criteria = criteria if criteria is not None else criteria_of(UNIT_A, 2)
    return RecordInput(
        title="Observation at the till",
        date=today(),
        observed=observed,
        location="Northgate store",
        criterion_ids=[criterion.pk for criterion in criteria],
        files=[samples.upload("till.jpg", samples.jpeg_bytes())] if files is None else files,
        submission_token=token,
    )


def snapshot(data: RecordInput, *, observed: str | None = None) -> str:
    """What the page's script sends when the learner signs: the words and criteria as they stood then."""
    return json.dumps(
        {
            "title": data.title,
            "observed": data.observed if observed is None else observed,
            "location": data.location,
            "criteria": [int(pk) for pk in data.criterion_ids],
        }
    )


def drawn_by_learner(data: RecordInput, **kwargs) -> SignatureInput:
    return SignatureInput(image=DRAWN, signed_content=snapshot(data, **kwargs))
