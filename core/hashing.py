"""The SHA-256 of a piece of content in one canonical JSON form, so that a signature can say what it vouched for.

The form: keys sorted, no spaces, UTF-8; the content is plain JSON (dicts, lists, strings, numbers, booleans, None).
Dates and times are turned into ISO 8601 strings by the caller, so that the hash does not depend on how a value
happens to be held."""

import hashlib
import json


def canonical_json(content) -> str:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(content) -> str:
    """The hex SHA-256 of the content's canonical JSON."""
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()
