"""How chain entries are hashed: written once here and mirrored by the offline verifier (exchange's verify.html)
and `manage.py verify_portfolio`; docs/portfolio-format.md spells it out.

- content: canonical JSON of the recorded content: keys sorted, no spaces, UTF-8, no floats.
- content_hash: SHA-256 (hex) of the content's UTF-8 bytes.
- entry_hash: SHA-256 (hex) of the lines seq, kind, object_ref, recorded_at, content_hash, previous_hash joined
  with "\\n" (recorded_at as UTC ISO 8601 with microseconds and a Z); previous_hash of the first entry is 64 zeros.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json


def canonical(content) -> str:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain)


def _plain(value) -> str:
    if isinstance(value, dt.datetime):
        return timestamp(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"Chain content cannot hold {type(value).__name__}")


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def timestamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(*, seq: int, kind: str, object_ref: str, recorded_at: str, content_hash: str, previous_hash: str) -> str:
    return sha256_text("\n".join([str(seq), kind, object_ref, recorded_at, content_hash, previous_hash]))
