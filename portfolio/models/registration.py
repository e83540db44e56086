"""A learner's registration on a qualification and the units on its plan."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centres.models import Centre, Role
from qualifications.models import Pathway, Qualification, Unit


class RegistrationQuerySet(models.QuerySet):
    def awaiting_identity_check(self):
        """Active registrations whose learner's identity nobody has recorded as checked: until it is, no criterion
        is marked met, no unit signed by the assessor and no certificate claimed."""
        return self.filter(status=Registration.Status.ACTIVE, id_checked_on__isnull=True)

    def with_assessor_membership(self):
        """Each registration with `assessor_membership`: the assessor's active assessor membership at the
        registration's centre (None without one), with its countersignatory, read in the same query (sign-off
        asks whether the assessor's work needs countersigning; see tracking.selectors)."""
        membership = models.FilteredRelation(
            "assessor__memberships",
            condition=models.Q(
                assessor__memberships__centre=models.F("centre"),
                assessor__memberships__role=Role.ASSESSOR,
                assessor__memberships__is_active=True,
            ),
        )
        return self.annotate(assessor_membership=membership).select_related(
            "assessor", "assessor_membership__countersignatory"
        )


class Registration(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        COMPLETED = "completed", _("Completed")

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="registrations")
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="registrations")
    qualification = models.ForeignKey(Qualification, on_delete=models.PROTECT, related_name="registrations")
    pathway = models.ForeignKey(Pathway, null=True, blank=True, on_delete=models.PROTECT, related_name="registrations")
    units = models.ManyToManyField(Unit, through="RegistrationUnit", related_name="registrations")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessed_registrations"
    )
    iqa = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="iqa_registrations")
    # Who delivers (teaches) the learner: recorded so that the IQA is independent of delivery too.
    tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="tutored_registrations"
    )
    date_of_birth = models.DateField()
    uln = models.CharField("unique learner number", max_length=10, blank=True)
    awarding_body_registration_number = models.CharField(max_length=50, blank=True)
    start_date = models.DateField()
    planned_end_date = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_reason = models.TextField(blank=True)
    id_document_type = models.CharField("identity document", max_length=100, blank=True)
    id_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="identity_checks"
    )
    id_checked_on = models.DateField(null=True, blank=True)
    id_details = models.CharField(
        "identity check details",
        max_length=300,
        blank=True,
        help_text="Which card was seen, or the third-party representative's name and role.",
    )
    next_evidence_reference = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["centre", "status"]),
            models.Index(fields=["assessor", "status"]),
            # A sampling plan's learners; which qualifications a centre has learners on.
            models.Index(fields=["qualification", "centre", "iqa"]),
            # The centre's learners waiting for an identity check, oldest first (the admin's home page lists the
            # first few and counts them): read in order from here, without sorting the whole centre.
            models.Index(
                fields=["centre", "start_date", "id"],
                condition=models.Q(status="active", id_checked_on__isnull=True),
                name="registration_awaiting_id",
            ),
            # The centre's active learners by planned end date: the admin's overview lists the first ten needing
            # attention (overdue ones come first; an identity check not recorded), read in order from here rather
            # than joining and sorting the whole centre.
            models.Index(
                fields=["centre", "planned_end_date", "id"],
                condition=models.Q(status="active"),
                name="registration_active_by_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner} – {self.qualification.title}"

    @property
    def identity_confirmed(self) -> bool:
        return self.id_checked_on is not None


class RegistrationUnit(models.Model):
    """A unit on the learner's plan. `locked_at` is set while the unit is signed off by the assessor."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="plan")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    chosen = models.BooleanField(default=False, help_text="An optional unit the learner chose.")
    locked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["registration", "unit"], name="unique_unit_on_plan")]

    def __str__(self) -> str:
        return f"{self.unit_id} on registration {self.registration_id}"
