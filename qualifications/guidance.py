"""The specifications' guidance where the work happens: what each awarding body calls its guidance, when a piece of
it is long enough to fold away, and the sentences of a unit introduction that advise on choosing the unit.

The text itself stays in the catalogue, word for word; this module only names and arranges it for pages."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .cache import catalogue
from .models import text_items

# Guidance longer than this (characters, or printed lines and list items) is folded under its label.
LONG_CHARACTERS = 240
LONG_LINES = 3


@dataclass(frozen=True)
class GuidanceLabels:
    """What a specification calls each kind of guidance, so that a page names it as the centre's copy does."""

    criterion_guidance: str  # guidance for one criterion
    amplification: str  # amplification, range or key words, at unit, learning outcome or criterion level
    types_of_evidence: str
    unit_guidance: str  # assessment guidance printed for the whole unit
    summary: str  # the unit's introduction or summary


DEFAULT_LABELS = GuidanceLabels(
    criterion_guidance="Assessment guidance",
    amplification="Amplification and range",
    types_of_evidence="Types of evidence",
    unit_guidance="Assessment guidance",
    summary="Unit introduction",
)
LABELS = {
    # Highfield prints "Suitable evidence may include: 1.4 ..." and "Amplification / Indicative content / Range".
    "highfield": GuidanceLabels(
        criterion_guidance="Suitable evidence",
        amplification="Amplification and range",
        types_of_evidence="Types of evidence",
        unit_guidance="Assessment guidance",
        summary="Unit introduction",
    ),
    # NCFE prints "Key word(s)", "Delivery and assessment" and "Types of evidence" beside each outcome.
    "ncfe": GuidanceLabels(
        criterion_guidance="Delivery and assessment",
        amplification="Key words",
        types_of_evidence="Types of evidence",
        unit_guidance="Delivery and assessment",
        summary="Unit summary",
    ),
}


def labels_for(awarding_body_code: str | None) -> GuidanceLabels:
    return LABELS.get(awarding_body_code or "", DEFAULT_LABELS)


def is_long(text: str) -> bool:
    """Guidance that would crowd the criterion it stands beside: shown folded (<details>), open on request."""
    lines = text_items(text)
    return len(lines) > LONG_LINES or sum(len(line) for line in lines) > LONG_CHARACTERS


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_CHOICE_ADVICE = re.compile(r"\bchoose this unit\b", re.IGNORECASE)


def choice_advice(summary: str) -> list[str]:
    """The sentences of a unit's introduction that advise whether to choose it ("Learners should not choose this
    unit if …"), word for word, in printed order."""
    sentences = _SENTENCE_END.split(" ".join(text_items(summary)))
    return [sentence for sentence in sentences if _CHOICE_ADVICE.search(sentence)]


def labels_for_qualification(qualification) -> GuidanceLabels:
    held = catalogue().qualifications.get(qualification.pk, qualification)  # its awarding body held in memory
    return labels_for(held.awarding_body.code)
