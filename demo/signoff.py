"""Demo sign-off (see `manage.py seed_demo`), through the sign-off service so that every rule holds:

- Grace Patel (learner4): both units signed by the learner, the trainee assessor and her countersignatory
  (demo.quality_assurance then samples them and the IQA signs);
- Liam Walsh (learner1): his complete unit signed by the learner and the assessor;
- Sophie Turner (learner2): her complete unit signed by the learner and the trainee assessor, awaiting the
  countersignatory (assessor@northgate.example);
- Ethan Brooks (learner5): his complete Award unit signed by him and his assessor, then carried over by the
  assessor into his Diploma, which contains the same unit;
- Rhys Morgan (learner7): every unit signed by him and his assessor (he is ready for the gateway: demo.gateway).

Only complete units are signed. Idempotent: each run adds only the signatures still missing from that chain.
"""

from tracking.models import CarriedOverUnit, SignatureRole
from tracking.services.carry import carry_over_unit
from tracking.services.signoff import sign_unit
from tracking.sheets import build_sheets

# learner, whether the countersignatory signs too (where the assessor works towards their award)
SIGN_OFFS = [
    ("learner4@northgate.example", True),
    ("learner1@northgate.example", True),
    ("learner2@northgate.example", False),
    ("learner5@northgate.example", True),
    ("learner7@northgate.example", False),
]
# learner, the qualification of their later registration, the unit carried into it from their first
CARRIES = [("learner5@northgate.example", "603/4354/0", "F/617/5412")]


def seed(context: dict) -> None:
    registrations = context.get("registrations", {})
    for learner_email, countersign in SIGN_OFFS:
        registration = registrations.get(learner_email)
        if registration is None:
            continue
        for sheet in build_sheets(registration):
            state = sheet.state
            if not sheet.status.complete or state.content_changed:
                continue
            signers = [(registration.learner, SignatureRole.LEARNER), (registration.assessor, SignatureRole.ASSESSOR)]
            if countersign and state.assessor_needs_countersignature and state.countersignatory is not None:
                signers.append((state.countersignatory, SignatureRole.COUNTERSIGNER))
            signed = []
            for user, role in signers:
                if role not in state.live:
                    sign_unit(registration=registration, unit=sheet.unit, user=user, role=role)
                    signed.append(role)
            if signed:
                context.setdefault("signed_units", []).append((registration, sheet.unit))
    for learner_email, number, reference in CARRIES:
        later = context.get("further_registrations", {}).get((learner_email, number))
        if later is None or CarriedOverUnit.objects.live().filter(registration=later, unit__reference=reference):
            continue
        unit = later.units.get(reference=reference)
        carry_over_unit(actor=later.assessor, registration=later, unit=unit)
    tour = context.setdefault("tour", [])
    if "learner1@northgate.example" in registrations:
        tour.append("Liam Walsh (learner1): unit L/601/1614 is signed off by him and his assessor.")
    if "learner2@northgate.example" in registrations:
        tour.append(
            "Sophie Turner (learner2): unit J/617/6433 is signed by her and her trainee assessor, and waits for the "
            "countersignatory, assessor@northgate.example."
        )
    if ("learner5@northgate.example", "603/4354/0") in context.get("further_registrations", {}):
        tour.append(
            "Ethan Brooks (learner5): unit F/617/5412, signed off in his Level 1 Award, is carried over into his "
            "Diploma (its sheet shows the original evidence and signatures); Jacob Evans (learner3) has a decided "
            "and checked RPL claim."
        )
