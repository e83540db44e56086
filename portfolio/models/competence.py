"""Staff occupational competence for a qualification at a centre."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from centres.models import Centre
from qualifications.models import Qualification


class CompetenceQuerySet(models.QuerySet):
    def covering(self, *, centre, user, qualification):
        """The records that make `user` occupationally competent for `qualification` at `centre`."""
        return self.filter(centre=centre, user=user, qualification=qualification)


class OccupationalCompetence(models.Model):
    """A staff member's occupational competence for one qualification at a centre (here, not in centres, because
    it joins the centre's people to the catalogue): their sector experience and
    the evidence of it, and who at the centre verified it. Assessors and IQAs are assigned only to
    qualifications they have one for."""

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="competences")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="competences")
    qualification = models.ForeignKey(Qualification, on_delete=models.PROTECT, related_name="staff_competences")
    sector_experience = models.TextField()
    evidence = models.TextField(blank=True, help_text="What was seen: CV, certificates, references, observation.")
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = CompetenceQuerySet.as_manager()

    class Meta:
        ordering = ["qualification__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "user", "qualification"], name="unique_competence_per_qualification"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}: competent for {self.qualification_id}"
