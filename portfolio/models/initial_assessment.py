"""The centre's initial assessment of a learner for a registration."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .registration import Registration


class SkillsLevel(models.TextChoices):
    """English and maths levels as initial assessment in England reports them (functional skills levels)."""

    ENTRY_1 = "entry_1", _("Entry level 1")
    ENTRY_2 = "entry_2", _("Entry level 2")
    ENTRY_3 = "entry_3", _("Entry level 3")
    LEVEL_1 = "level_1", _("Level 1")
    LEVEL_2 = "level_2", _("Level 2")
    LEVEL_3 = "level_3", _("Level 3 or above")


class InitialAssessment(models.Model):
    """The centre's initial assessment of a learner for a registration, which the specifications recommend
    "to ensure that they have a fair opportunity to demonstrate their ability to undertake the qualification":
    English and maths levels, prior learning and experience, and notes for tailoring the programme."""

    registration = models.OneToOneField(Registration, on_delete=models.PROTECT, related_name="initial_assessment")
    english_level = models.CharField("English level", max_length=20, choices=SkillsLevel.choices)
    maths_level = models.CharField("maths level", max_length=20, choices=SkillsLevel.choices)
    prior_experience = models.TextField("prior learning and experience")
    notes = models.TextField(blank=True, help_text="How the programme is tailored to the learner's needs.")
    assessed_on = models.DateField()
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Initial assessment of {self.registration}"
