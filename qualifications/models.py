"""The catalogue: qualifications, units, learning outcomes and assessment criteria, as the specifications give them."""

import uuid
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _

BULLET = "• "
SUB_BULLET = "◦ "


@dataclass
class ListItem:
    text: str
    items: list[str] = field(default_factory=list)  # a second level, as printed (Highfield's "o" bullets)


@dataclass
class TextBlock:
    """A paragraph of catalogue text, or (with `items`) a bulleted list as printed."""

    text: str = ""
    items: list[ListItem] = field(default_factory=list)


def text_blocks(text: str) -> list[TextBlock]:
    """Guidance, amplification, range or rules text as stored (one printed paragraph or bulleted item per line:
    "• " starts an item, "◦ " an item within the item before) split into paragraphs and lists, so that lists
    stay lists on every page."""
    blocks: list[TextBlock] = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith(BULLET) or line.startswith(SUB_BULLET):
            if not blocks or not blocks[-1].items:
                blocks.append(TextBlock())
            items = blocks[-1].items
            if line.startswith(SUB_BULLET):
                if not items:
                    items.append(ListItem(text=""))
                items[-1].items.append(line.removeprefix(SUB_BULLET).strip())
            else:
                items.append(ListItem(text=line.removeprefix(BULLET).strip()))
        else:
            blocks.append(TextBlock(text=line))
    return blocks


def text_items(text: str) -> list[str]:
    """The stored lines of a text field, bullets removed: for exports and plain-text uses."""
    return [
        line.strip().removeprefix(BULLET).removeprefix(SUB_BULLET).strip()
        for line in (text or "").splitlines()
        if line.strip()
    ]


class AwardingBody(models.Model):
    code = models.SlugField(unique=True)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Pathway(models.Model):
    """A role-dependent route through a qualification: criteria on a pathway count only for its learners."""

    code = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Qualification(models.Model):
    number = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=300)
    awarding_body = models.ForeignKey(AwardingBody, on_delete=models.PROTECT, related_name="qualifications")
    level = models.PositiveSmallIntegerField()
    credit = models.PositiveIntegerField(null=True, blank=True)
    glh = models.PositiveIntegerField("guided learning hours", null=True, blank=True)
    tqt = models.PositiveIntegerField("total qualification time", null=True, blank=True)
    min_age = models.PositiveSmallIntegerField("minimum age", null=True, blank=True)
    all_units = models.BooleanField(default=False, help_text="Every unit of the qualification must be achieved.")
    min_credits_from_optional = models.PositiveIntegerField(null=True, blank=True)
    min_glh = models.PositiveIntegerField(null=True, blank=True)
    rules_text = models.TextField(blank=True)
    source = models.CharField(max_length=100, blank=True)
    units = models.ManyToManyField("Unit", through="QualificationUnit", related_name="qualifications")
    pathways = models.ManyToManyField(Pathway, blank=True, related_name="qualifications")

    class Meta:
        ordering = ["level", "title"]

    def __str__(self) -> str:
        return f"{self.title} ({self.number})"


class UnitGroup(models.Model):
    qualification = models.ForeignKey(Qualification, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(max_length=50)
    min_units = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["qualification", "name"], name="unique_group_name")]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    reference = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=300)
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    glh = models.PositiveIntegerField("guided learning hours", null=True, blank=True)
    credit = models.PositiveIntegerField(null=True, blank=True)
    summary = models.TextField(blank=True)
    guidance = models.TextField(blank=True)
    types_of_evidence = models.TextField(blank=True)
    amplification = models.TextField(blank=True)

    class Meta:
        ordering = ["reference"]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class QualificationUnit(models.Model):
    qualification = models.ForeignKey(Qualification, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="memberships")
    number = models.CharField(max_length=10, help_text="The unit's number in this qualification, as printed.")
    mandatory = models.BooleanField(default=False)
    group = models.ForeignKey(UnitGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["qualification", "unit"], name="unique_unit_in_qualification")]

    def __str__(self) -> str:
        return f"{self.qualification.number}: unit {self.number}"


class LearningOutcome(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="learning_outcomes")
    number = models.CharField(max_length=10)
    text = models.TextField()
    order = models.PositiveIntegerField(default=0)
    amplification = models.TextField(blank=True)
    types_of_evidence = models.TextField(blank=True)

    class Meta:
        ordering = ["unit", "order"]
        constraints = [models.UniqueConstraint(fields=["unit", "number"], name="unique_outcome_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.text}"


class AssessmentCriterionQuerySet(models.QuerySet):
    def for_pathway(self, pathway):
        """Criteria that apply to a learner on the pathway (criteria of no pathway apply to all)."""
        if pathway is None:
            return self.filter(pathway__isnull=True)
        return self.filter(models.Q(pathway__isnull=True) | models.Q(pathway=pathway))


class AssessmentCriterion(models.Model):
    class Kind(models.TextChoices):
        KNOWLEDGE = "K", _("Knowledge")
        SKILL = "S", _("Skill")
        BEHAVIOUR = "B", _("Behaviour")

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="criteria")
    learning_outcome = models.ForeignKey(LearningOutcome, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(max_length=12)
    text = models.TextField()
    order = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=1, choices=Kind.choices, blank=True)
    guidance = models.TextField(blank=True)
    amplification = models.TextField(blank=True)
    printed_code = models.CharField(max_length=12, blank=True, help_text="The code as printed, where it was corrected.")
    pathway = models.ForeignKey(Pathway, null=True, blank=True, on_delete=models.PROTECT, related_name="criteria")

    objects = AssessmentCriterionQuerySet.as_manager()

    class Meta:
        ordering = ["unit", "order"]
        verbose_name_plural = "assessment criteria"
        constraints = [models.UniqueConstraint(fields=["unit", "code"], name="unique_criterion_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"

    @property
    def renumbered(self) -> bool:
        """We use another code than the one printed (only where printed codes collide)."""
        return bool(self.printed_code) and self.printed_code != self.code

    @property
    def code_label(self) -> str:
        """The code with the printed one beside it where they differ: "1.1 (printed as 2.1)"."""
        return f"{self.code} (printed as {self.printed_code})" if self.renumbered else self.code

    def wordings_shown(self) -> list["CriterionWording"]:
        """The per-pathway wordings (from a prefetch of `wordings` with their pathway), in printed order."""
        return sorted(self.wordings.all(), key=lambda wording: wording.order)


class CriterionWording(models.Model):
    """How a criterion is worded for learners on one pathway, word for word from the specification, where the
    criterion applies to every learner but its table prints one wording per role (603/4687/5 B17.1). The
    criterion's own text stays the whole printed text, alternatives and all, for where no pathway is known."""

    criterion = models.ForeignKey(AssessmentCriterion, on_delete=models.CASCADE, related_name="wordings")
    pathway = models.ForeignKey(Pathway, on_delete=models.PROTECT, related_name="wordings")
    text = models.TextField()
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["criterion", "order"]
        constraints = [
            models.UniqueConstraint(fields=["criterion", "pathway"], name="unique_criterion_wording_per_pathway")
        ]

    def __str__(self) -> str:
        return f"{self.criterion.code} ({self.pathway.name}): {self.text}"


class AssessmentMethod(models.Model):
    """An assessment method code printed on tracking sheets (Obs, Q, Sim ...); centres may add more."""

    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.code


class CatalogueNote(models.Model):
    """A correction or judgement made while transcribing a specification, kept for review."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Correction")
        JUDGEMENT = "judgement", _("Judgement")
        MISPRINT = "misprint", _("Misprint kept")

    source = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    qualification = models.ForeignKey(
        Qualification, null=True, blank=True, on_delete=models.CASCADE, related_name="notes"
    )
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="notes")
    criterion = models.ForeignKey(
        AssessmentCriterion, null=True, blank=True, on_delete=models.CASCADE, related_name="notes"
    )
    field = models.CharField(max_length=30, blank=True)
    printed = models.TextField(blank=True)
    corrected = models.TextField(blank=True)
    explanation = models.TextField()
    shown_on_sheet = models.BooleanField(
        default=False, help_text="Printed on the unit's tracking sheet (page and PDF), not only in the catalogue."
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["source", "order"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.printed} → {self.corrected}"


class CatalogueVersion(models.Model):
    """One row whose token changes whenever load_catalogue runs: each process keeps the catalogue in memory
    (qualifications.cache) and reads it again when the token it holds is no longer the one stored here."""

    token = models.UUIDField(default=uuid.uuid4)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"catalogue version {self.token} ({self.changed_at:%Y-%m-%d %H:%M})"
