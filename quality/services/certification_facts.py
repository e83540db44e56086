"""What a certification check reads, by the registrations' ids (quality.services.certification decides from it):
each read with its SQL built once per process (core.compiled), as the centre admin's home page asks on every visit."""

from django.db.models import Count, Prefetch

from centres.models import CompetenceStatus, Membership, Role
from core.compiled import CompiledRead
from portfolio.models import Registration, RegistrationUnit
from qualifications.models import QualificationUnit
from tracking.models import CarriedOverUnit, Signature

from ..models import Action, CertificationClaim, SampleRecord, SamplingPlan

registrations = CompiledRead(
    lambda ids: (
        Registration.objects.filter(pk__in=ids)
        .select_related("centre", "learner", "assessor", "iqa", "pathway", "qualification")
        .prefetch_related(
            Prefetch(
                "qualification__memberships",
                queryset=QualificationUnit.objects.select_related("unit", "group").order_by("order", "pk"),
            ),
            "qualification__pathways",
        )
        .order_by("learner__full_name", "pk")
    )
)
plan_entries = CompiledRead(lambda ids: RegistrationUnit.objects.filter(registration_id__in=ids).select_related("unit"))
live_signatures = CompiledRead(
    lambda ids: (
        Signature.objects.live()
        .filter(sign_off__registration_id__in=ids)
        .values_list("sign_off__registration_id", "sign_off__unit_id", "role", "user_id")
    )
)
carried = CompiledRead(
    lambda ids: (
        CarriedOverUnit.objects.counting().filter(registration_id__in=ids).values_list("registration_id", "unit_id")
    )
)
trainee_signers = CompiledRead(
    lambda centre_ids, user_ids: (
        Membership.objects.active()
        .filter(
            centre_id__in=centre_ids, role=Role.ASSESSOR, status=CompetenceStatus.WORKING_TOWARDS, user_id__in=user_ids
        )
        .values_list("centre_id", "user_id")
    )
)
claims = CompiledRead(
    lambda ids: (
        CertificationClaim.objects.filter(registration_id__in=ids)
        .select_related("claimed_by")
        .prefetch_related("units")
    )
)
open_actions = CompiledRead(
    lambda ids: (
        Action.objects.open()
        .filter(sample__registration_id__in=ids)
        .values("sample__registration_id")
        .annotate(n=Count("id"))
        .values_list("sample__registration_id", "n")
    )
)
pending_samples = CompiledRead(
    lambda ids: (
        SampleRecord.objects.awaiting_countersignature()
        .filter(registration_id__in=ids)
        .values("registration_id")
        .annotate(n=Count("id"))
        .values_list("registration_id", "n")
    )
)
candidate_plans = CompiledRead(
    lambda centre_ids, qualification_ids, iqa_ids, today: (
        SamplingPlan.objects.filter(
            centre_id__in=centre_ids,
            qualification_id__in=qualification_ids,
            iqa_id__in=iqa_ids,
            period_start__lte=today,
        )
        .select_related("centre", "qualification", "iqa")
        .order_by("-period_start", "-pk")
    )
)
