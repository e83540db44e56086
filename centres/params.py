"""Ids read from request parameters (query strings and posted fields outside a form).

`str.isdigit()` accepts "²" and other Unicode digits that `int()` then refuses, and a number past 64 bits
overflows SQLite: only plain ASCII digits of a size a database key can hold are ids.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# 18 digits always fit a signed 64-bit integer (PostgreSQL bigint, SQLite INTEGER).
_ID = re.compile(r"[0-9]{1,18}")


def parse_id(value) -> int | None:
    """The id in `value`, or None when it is missing or not a plain number."""
    text = str(value if value is not None else "").strip()
    return int(text) if _ID.fullmatch(text) else None


def parse_ids(values: Iterable) -> tuple[list[int], list[str]]:
    """The ids among `values`, and the values that are not ids (for a message)."""
    ids: list[int] = []
    refused: list[str] = []
    for value in values:
        parsed = parse_id(value)
        if parsed is None:
            refused.append(str(value))
        else:
            ids.append(parsed)
    return ids, refused
