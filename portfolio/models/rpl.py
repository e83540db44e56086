"""Claims for recognition of prior learning."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .evidence import Evidence
from .registration import Registration


class RplClaim(models.Model):
    """A claim to recognise prior learning (certificates or experience) against criteria of the learner's plan.

    The claim is recorded by the assessor as a piece of evidence with the method RPL, linked to the criteria it
    covers (its files are the certificates or records seen). The assessor's decision accepts or rejects each
    criterion through the ordinary judgement (accepted criteria are marked met, with method RPL on the sheet);
    the learner's IQA then checks the decision."""

    class Check(models.TextChoices):
        AGREE = "agree", _("Agrees with the decision")
        DISAGREE = "disagree", _("Disagrees with the decision")

    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="rpl_claims")
    evidence = models.OneToOneField(Evidence, on_delete=models.PROTECT, related_name="rpl_claim")
    prior_learning = models.TextField(help_text="The prior certificates or experience claimed.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    iqa_check = models.CharField("IQA check", max_length=20, choices=Check.choices, blank=True)
    iqa_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    iqa_checked_at = models.DateTimeField(null=True, blank=True)
    iqa_note = models.TextField("IQA note", blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"RPL claim (evidence {self.evidence.reference}) of {self.registration}"

    @property
    def is_decided(self) -> bool:
        return self.decided_at is not None
