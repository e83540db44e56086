"""Which qualifications have similar titles: NCFE asks that a learner "should not undertake another qualification at
the same level with the same or a similar title, as duplication of learning may affect funding eligibility".

Similar, here: the same level, and the titles share a key phrase. A title's key phrases are its pairs of
consecutive words once the awarding body's name, "Level n", the size of the qualification (Award, Certificate,
Diploma, NVQ ...), "(RQF)" and small linking words are set aside: "Highfield Level 2 Certificate in Customer Service
(RQF)" gives "customer service"; "NCFE Level 2 Diploma for Customer Service Practitioners" gives "customer service"
and "service practitioners". A title left with one word only has that word as its key phrase. The same qualification
is always similar to itself."""

from __future__ import annotations

import re

from qualifications.models import Qualification

SET_ASIDE = {
    # the size and kind of a qualification
    "award",
    "certificate",
    "diploma",
    "extended",
    "subsidiary",
    "nvq",
    "vrq",
    "svq",
    "technical",
    "rqf",
    "qcf",
    "level",
    "entry",
    # linking words
    "a",
    "an",
    "and",
    "for",
    "in",
    "of",
    "on",
    "the",
    "to",
    "with",
}
_WORD = re.compile(r"[a-z0-9][a-z0-9'’-]*")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def key_phrases(qualification: Qualification) -> frozenset[str]:
    """The title's key phrases (see the module's docstring)."""
    body_words = set(_words(qualification.awarding_body.name)) | {qualification.awarding_body.code.lower()}
    kept = [
        None if word in SET_ASIDE or word in body_words or word.isdigit() else word
        for word in _words(qualification.title)
    ]
    pairs = {f"{first} {second}" for first, second in zip(kept, kept[1:], strict=False) if first and second}
    if pairs:
        return frozenset(pairs)
    return frozenset(word for word in kept if word)


def similar_titles(first: Qualification, second: Qualification) -> bool:
    """The same level and a shared key phrase (or the very same qualification)."""
    if first.level != second.level:
        return False
    return first.pk == second.pk or bool(key_phrases(first) & key_phrases(second))
