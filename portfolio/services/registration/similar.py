"""Warnings about a similar qualification the learner already holds or is registered on (NCFE's entry guidance)."""

from __future__ import annotations

from dataclasses import dataclass

from centres.models import Centre, User
from centres.services import normalise_email
from portfolio.models import Registration
from qualifications.models import Qualification
from qualifications.services.similarity import similar_titles

from .checks import RegistrationInput

# NCFE's entry guidance for 603/5681/9, word for word: the reason for the similar-qualification warning.
SIMILAR_QUALIFICATION_ADVICE = (
    "Learners registered on this qualification should not undertake another qualification at the same level with "
    "the same or a similar title, as duplication of learning may affect funding eligibility."
)
SIMILAR_QUALIFICATION_SOURCE = "NCFE Level 2 Diploma for Customer Service Practitioners (603/5681/9)"


@dataclass(frozen=True)
class SimilarQualification:
    """A qualification at the same level with a similar title that the learner already holds or is registered on,
    at this centre (other centres' registrations are theirs to see), or that an earlier row of the same CSV file
    registers them on."""

    key: str  # what the centre admin acknowledges: "registration-<id>" or "row-<line>"
    qualification: Qualification
    held: bool  # completed, rather than still registered
    row: int | None = None  # the line of the CSV file that registers it

    @property
    def message(self) -> str:
        q = self.qualification
        if self.row is not None:
            where = f"Row {self.row} of this file registers the learner on"
        elif self.held:
            where = "The learner already holds"
        else:
            where = "The learner is already registered on"
        return f"{where} {q.title} ({q.number}), also at level {q.level} with a similar title."


def similar_qualifications(*, centre: Centre, data: RegistrationInput) -> list[SimilarQualification]:
    """The learner's active or completed registrations at this centre on a qualification at the same level with a
    similar title (qualifications.services.similarity says what similar means). Two queries."""
    qualification = data.qualification
    learner = User.objects.filter(email=normalise_email(data.email)).first() if data.email else None
    if learner is None or qualification is None:
        return []
    others = (
        Registration.objects.filter(
            centre=centre,
            learner=learner,
            status__in=[Registration.Status.ACTIVE, Registration.Status.COMPLETED],
            qualification__level=qualification.level,
        )
        .select_related("qualification__awarding_body")
        .order_by("start_date", "pk")
    )
    return [
        SimilarQualification(
            key=f"registration-{other.pk}",
            qualification=other.qualification,
            held=other.status == Registration.Status.COMPLETED,
        )
        for other in others
        if similar_titles(qualification, other.qualification)
    ]
