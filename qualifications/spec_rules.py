"""Rules the specifications state in prose rather than in their criteria tables: which proofs of identity a centre
may accept, and where a unit cannot be assessed by simulation. Each rule quotes its specification word for word.

Kept here as a small table keyed by qualification number and unit reference, not in `fixtures/catalogue/`: the rules
are few, change only with a specification, and are read by services in three apps; a module needs no migration and
no loader change, and the fixtures stay the criteria tables as printed.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- Identity ---------------------------------------------------------------------------------------------------

HIGHFIELD_ID_REQUIREMENTS = (
    "It is the responsibility of the centre to have systems in place to ensure that the person taking an assessment "
    "is indeed the person they are claiming to be. All centres are therefore required to ensure that each learner's "
    "identification is checked before they undertake the assessment."
)
HIGHFIELD_THIRD_PARTY = (
    "If a learner is unable to produce any of the forms of photographic identification listed above, a centre may "
    "accept another form of identification containing a signature, for example, a credit card. Identification by a "
    "third-party representative, such as a line manager, human resources manager or invigilator, will also be "
    "accepted."
)


@dataclass(frozen=True)
class IdentityProof:
    value: str  # what the registration stores (short, as the bulk CSV and older records spell it)
    label: str  # the specification's words
    photographic: bool = True
    needs_details: str = ""  # what the person recording it must add, when the proof is not a document in hand


PASSPORT = IdentityProof("Passport", "A valid passport (any nationality)")
DRIVING_LICENCE = IdentityProof("Photocard driving licence", "A signed UK photocard driving licence")
WARRANT_CARD = IdentityProof("Warrant card", "A valid warrant card issued by HM forces or the police")
OTHER_PHOTO_ID = IdentityProof(
    "Other photographic ID",
    "Another photographic ID card, e.g. employee ID card, student ID card, travel card",
    needs_details="Say which card was seen.",
)
SIGNATURE_ID = IdentityProof(
    "Identification containing a signature",
    "Another form of identification containing a signature, for example, a credit card (only when the learner "
    "cannot produce photographic identification)",
    photographic=False,
    needs_details="Say which identification was seen and why no photographic identification could be produced.",
)
THIRD_PARTY = IdentityProof(
    "Third-party representative",
    "Identification by a third-party representative, such as a line manager, human resources manager or invigilator",
    photographic=False,
    needs_details="Give the representative's name and role (for example: line manager).",
)

HIGHFIELD_PROOFS = (PASSPORT, DRIVING_LICENCE, WARRANT_CARD, OTHER_PHOTO_ID, SIGNATURE_ID, THIRD_PARTY)
# NCFE's specification (603/5681/9) lists no proofs of identity and says nothing of a third-party representative;
# its centres follow their own policy, so the photographic documents and the signed identification Highfield lists
# are offered, and identification by a representative is not.
NCFE_PROOFS = (PASSPORT, DRIVING_LICENCE, WARRANT_CARD, OTHER_PHOTO_ID, SIGNATURE_ID)

# Qualification number -> (proofs accepted, the specification's words). Every Highfield specification in the
# catalogue (seeds 000, 001, 002 and 004) prints the same "ID requirements" section.
IDENTITY_RULES: dict[str, tuple[tuple[IdentityProof, ...], str]] = {
    "600/5472/4": (HIGHFIELD_PROOFS, HIGHFIELD_THIRD_PARTY),
    "603/4351/5": (HIGHFIELD_PROOFS, HIGHFIELD_THIRD_PARTY),
    "603/4353/9": (HIGHFIELD_PROOFS, HIGHFIELD_THIRD_PARTY),
    "603/4354/0": (HIGHFIELD_PROOFS, HIGHFIELD_THIRD_PARTY),
    "603/4687/5": (HIGHFIELD_PROOFS, HIGHFIELD_THIRD_PARTY),
    "600/5469/4": (HIGHFIELD_PROOFS, HIGHFIELD_THIRD_PARTY),
    "603/5681/9": (NCFE_PROOFS, ""),
}
ALL_PROOFS = {proof.value: proof for proof in HIGHFIELD_PROOFS}


def identity_proofs(qualification_number: str | None) -> tuple[IdentityProof, ...]:
    """The proofs of identity a centre may record for a learner on this qualification (all, when not known)."""
    proofs, _ = IDENTITY_RULES.get(qualification_number or "", (HIGHFIELD_PROOFS, ""))
    return proofs


def identity_proof(value: str) -> IdentityProof | None:
    return ALL_PROOFS.get(value)


# --- Assessment methods ---------------------------------------------------------------------------------------

SIMULATION = "Sim"


@dataclass(frozen=True)
class WorkplaceRule:
    """A unit (or some of its criteria) that the specification says must be assessed in real work, so that
    simulated evidence cannot count for it."""

    unit_reference: str
    qualification_number: str
    quote: str
    criterion_codes: tuple[str, ...] = ()  # empty: the whole unit

    def covers(self, criterion_code: str) -> bool:
        return not self.criterion_codes or criterion_code in self.criterion_codes


# Read from each specification for "simulation", "workplace", "real work", "must be assessed": only one unit makes
# real work a requirement. Seed 000's unit J/600/0658 says the opposite ("simulation can be used if workplace evidence
# is not available"), seed 003 allows a realistic work environment "where the assessment requirements for a unit
# allow" without naming a unit, and seeds 001 and 002 say nothing either way.
WORKPLACE_RULES: dict[str, WorkplaceRule] = {
    "Y/601/1213": WorkplaceRule(
        unit_reference="Y/601/1213",
        qualification_number="600/5469/4",
        quote=(
            "This unit is not simply about working in a different building. The learner’s customer must be somebody "
            "who feels real ownership of the premises and is therefore somewhat protective about them. In "
            "particular, this unit is for the learner whose job takes them into their customers’ homes."
        ),
    ),
}


def workplace_rule(unit_reference: str, criterion_code: str) -> WorkplaceRule | None:
    """The rule that keeps simulated evidence off this criterion, if there is one."""
    rule = WORKPLACE_RULES.get(unit_reference)
    return rule if rule is not None and rule.covers(criterion_code) else None
