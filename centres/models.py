"""People, centres, the roles people hold at centres, and the append-only audit history."""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="May use the Django admin site.")
    date_joined = models.DateTimeField(default=timezone.now)
    # The interface's language for this person (one of settings.LANGUAGES); blank follows their browser.
    language = models.CharField(max_length=10, blank=True, default="")
    # Bumped whenever this person's roles, or what is shown of them, may have changed (centres.signals): their
    # session keeps the roles read at one version and reads them again at the next (centres.access).
    access_version = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        # Learner lists are ordered by name: with this index a page of a large centre is read in order, not sorted.
        indexes = [models.Index(fields=["full_name", "email"], name="user_name_order")]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Centre(models.Model):
    name = models.CharField(max_length=200)
    centre_number = models.CharField("awarding-body centre number", max_length=30, unique=True)
    cpd_currency_months = models.PositiveSmallIntegerField(
        "CPD currency (months)",
        default=12,
        help_text="Staff whose latest CPD is older than this are shown with a warning, to the centre and the EQA.",
    )
    require_mfa_for_assessors = models.BooleanField(
        "require multi-factor authentication for assessors",
        default=False,
        help_text="Centre admins, IQAs and EQAs always need it; learners may turn it on.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    CENTRE_ADMIN = "centre_admin", _("Centre admin")
    ASSESSOR = "assessor", _("Assessor")
    IQA = "iqa", _("Internal quality assurer")


class CompetenceStatus(models.TextChoices):
    QUALIFIED = "qualified", _("Qualified")
    WORKING_TOWARDS = "working_towards", _("Working towards")


class AssessorAward(models.TextChoices):
    """The assessing qualifications the specifications name (seeds 000, 001, 002, 004), word for word."""

    A1 = "a1", "A1 Assess Learner Performance Using a Range of Methods"
    D32_D33 = "d32_d33", "D32 Assess Learner Performance and D33 Assess Learner Using Different Sources of Evidence"
    HIGHFIELD_L3_AVRA = "hq_l3_avra", "Highfield Level 3 Award in Assessing Vocationally Related Achievement"
    L3_ACWE = "l3_acwe", "Level 3 Award in Assessing Competence in the Work Environment"
    L3_CAVA = "l3_cava", "Level 3 Certificate in Assessing Vocational Achievement"
    # The specifications list what the award "could include": another recognised award is named in full.
    OTHER = "other_assessing", "Another recognised assessing qualification (name it)"


class IqaAward(models.TextChoices):
    """The internal quality assurance qualifications the specifications name, word for word."""

    D34 = "d34", "D34"
    V1 = "v1", "V1"
    HIGHFIELD_L4_IQA = (
        "hq_l4_iqa",
        "Highfield Level 4 Award in the Internal Quality Assurance of Assessment Processes and Practice or above",
    )
    L4_AIQA = "l4_aiqa", "Level 4 Award in the Internal Quality Assurance of Assessment Processes and Practice"
    L4_CLIQA = (
        "l4_cliqa",
        "Level 4 Certificate in Leading the Internal Quality Assurance of Assessment Processes and Practice",
    )
    OTHER = "other_iqa", "Another recognised internal quality assurance qualification (name it)"


AWARDS_BY_ROLE: dict[str, type[models.TextChoices]] = {"assessor": AssessorAward, "iqa": IqaAward}
OTHER_AWARDS = {AssessorAward.OTHER, IqaAward.OTHER}


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, user__is_active=True)


class Membership(models.Model):
    """A staff role held by a person at a centre, with their assessing or IQA credential for that role."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships")
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    is_active = models.BooleanField(default=True)
    status = models.CharField(
        "assessing / IQA qualification",
        max_length=20,
        choices=CompetenceStatus.choices,
        default=CompetenceStatus.QUALIFIED,
        help_text="For assessors and IQAs: qualified, or working towards their assessing or IQA award.",
    )
    countersignatory = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="countersigned_memberships",
        help_text="The qualified colleague who countersigns decisions while this person works towards their award.",
    )
    award = models.CharField(
        "award",
        max_length=20,
        blank=True,
        choices=AssessorAward.choices + IqaAward.choices,
        help_text="The assessing or IQA award held, or being worked towards.",
    )
    award_title = models.CharField("award (when another)", max_length=200, blank=True)
    certificate_number = models.CharField(max_length=60, blank=True)
    awarded_on = models.DateField("date awarded", null=True, blank=True)
    registered_on = models.DateField(
        "date registered on the award", null=True, blank=True, help_text="While working towards it."
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["centre", "role", "user"]
        constraints = [models.UniqueConstraint(fields=["user", "centre", "role"], name="unique_membership_role")]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} at {self.centre}"

    @property
    def needs_countersignature(self) -> bool:
        return self.role != Role.CENTRE_ADMIN and self.status == CompetenceStatus.WORKING_TOWARDS

    @property
    def award_name(self) -> str:
        """The award in words: the specification's name, or the one the centre typed for another award."""
        if self.award in OTHER_AWARDS:
            return self.award_title
        return self.get_award_display() if self.award else ""

    @property
    def award_missing(self) -> bool:
        """An assessor or IQA whose award is not recorded (as records kept as free text before could be)."""
        return self.role != Role.CENTRE_ADMIN and not self.award


class CpdEntry(models.Model):
    """One entry of a staff member's continuing professional development log at a centre."""

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="cpd_entries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cpd_entries")
    date = models.DateField()
    activity = models.CharField(max_length=300)
    hours = models.DecimalField(max_digits=5, decimal_places=1)
    reflection = models.TextField(
        help_text="What was learnt, and how it changes the way they assess or quality-assure."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["centre", "user", "date"])]

    def __str__(self) -> str:
        return f"{self.user}: {self.activity} ({self.date})"


class EqaLink(models.Model):
    """An external quality assurer (from the awarding body) linked to a centre they quality-assure."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="eqa_links")
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="eqa_links")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "centre"], name="unique_eqa_link")]

    def __str__(self) -> str:
        return f"{self.user} (EQA) – {self.centre}"


class PersonalInterestQuerySet(models.QuerySet):
    def declared(self, *, centre, staff=None, learner=None) -> "PersonalInterestQuerySet":
        """Interests declared at a centre (a Centre or its id: always scoped), of a staff member and/or in a
        learner (users or their ids). What an interest stops is decided in centres.conflicts."""
        queryset = self.filter(centre=centre)
        if staff is not None:
            queryset = queryset.filter(staff=staff)
        if learner is not None:
            queryset = queryset.filter(learner=learner)
        return queryset


class PersonalInterest(models.Model):
    """A declared personal interest: the staff member must not assess or quality-assure the learner."""

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="personal_interests")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="declared_interests")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="interests_declared_in"
    )
    description = models.TextField(blank=True)
    declared_at = models.DateTimeField(default=timezone.now)

    objects = PersonalInterestQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["centre", "staff", "learner"], name="unique_personal_interest")]

    def __str__(self) -> str:
        return f"{self.staff} has an interest in {self.learner}"


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("History events are only ever added.")

    def delete(self):
        raise TypeError("History events are only ever added.")


class Event(models.Model):
    """One entry of the append-only audit history: who did what to which object, when."""

    centre = models.ForeignKey(Centre, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    actor_label = models.CharField(max_length=200, blank=True, help_text="Who acted when not a user (a witness).")
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=40)
    object_id = models.BigIntegerField(null=True, blank=True)
    registration_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    summary = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("History events are only ever added.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("History events are only ever added.")


def record_event(
    *,
    action: str,
    obj=None,
    actor=None,
    centre=None,
    registration_id: int | None = None,
    registration=None,
    summary: str = "",
    actor_label: str = "",
    **data,
) -> Event:
    """Add one entry to the audit history. `obj` is the model instance acted on; `registration`, the learner's
    registration the entry belongs to (its history and centre), when there is one."""
    if registration is not None:
        registration_id = registration.pk
        if centre is None:
            centre = registration.centre
    return Event.objects.create(
        centre=centre,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=actor_label,
        action=action,
        object_type=obj._meta.model_name if obj is not None else "",
        object_id=obj.pk if obj is not None else None,
        registration_id=registration_id,
        summary=summary,
        data=data,
    )


class InvitationQuerySet(models.QuerySet):
    def pending(self, now=None):
        """Neither used, revoked nor expired (at `now`: a caller whose SQL is built once gives the moment)."""
        return self.filter(used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now or timezone.now())


class Invitation(models.Model):
    """A one-time, expiring link that lets a new learner or staff member set their password.

    Only the SHA-256 of the token is stored: the link in the email is the only copy of the token."""

    class Kind(models.TextChoices):
        LEARNER = "learner", _("Learner")
        STAFF = "staff", _("Staff")
        EMPLOYER = "employer", _("Employer contact")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="invitations")
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="invitations")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True, help_text="Replaced by a newer invitation.")

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.user} ({self.get_kind_display()}) at {self.centre}"

    @property
    def is_pending(self) -> bool:
        return self.used_at is None and self.revoked_at is None and self.expires_at > timezone.now()


class UserSession(AbstractBaseSession):
    """A session (SESSION_ENGINE = "centres.sessions"), naming the person signed in to it, so that the row read
    for the session brings the user with it: one query on every signed-in request instead of two. Deleting the
    person ends their sessions."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="sessions"
    )

    @classmethod
    def get_session_store_class(cls):
        from .sessions import SessionStore

        return SessionStore
