"""Turn each assessor's and IQA's free-text occupational competence notes into a competence record for every
qualification they assess or quality-assure at their centre (unverified: nobody verified free text), and keep the
old competence and CPD notes word for word in the audit history before centres drops them.

It lives here, not in centres, because competence records and registrations are portfolio's: the arrow points
from portfolio to centres."""

from django.db import migrations


def notes_to_records(apps, schema_editor):
    Membership = apps.get_model("centres", "Membership")
    OccupationalCompetence = apps.get_model("portfolio", "OccupationalCompetence")
    Event = apps.get_model("centres", "Event")
    Registration = apps.get_model("portfolio", "Registration")
    memberships = (
        Membership.objects.filter(role__in=["assessor", "iqa"])
        .exclude(competence_notes="", cpd_notes="")
        .select_related("user")
        .order_by("pk")
    )
    for membership in memberships:
        notes = membership.competence_notes.strip()
        Event.objects.create(
            centre_id=membership.centre_id,
            action="membership.notes_migrated",
            object_type="membership",
            object_id=membership.pk,
            summary=f"{membership.user.full_name or membership.user.email}'s competence and CPD notes, as written "
            "before they became records",
            data={"competence_notes": membership.competence_notes, "cpd_notes": membership.cpd_notes},
        )
        if not notes:
            continue
        person = (
            {"assessor_id": membership.user_id} if membership.role == "assessor" else {"iqa_id": membership.user_id}
        )
        qualification_ids = set(
            Registration.objects.filter(centre_id=membership.centre_id, **person).values_list(
                "qualification_id", flat=True
            )
        )
        for qualification_id in sorted(qualification_ids):
            OccupationalCompetence.objects.get_or_create(
                centre_id=membership.centre_id,
                user_id=membership.user_id,
                qualification_id=qualification_id,
                defaults={"sector_experience": notes},
            )


class Migration(migrations.Migration):
    dependencies = [
        ("portfolio", "0005_competence_and_initial_assessment"),
        ("centres", "0004_staff_awards_and_cpd"),
    ]
    run_before = [("centres", "0005_remove_membership_notes")]

    operations = [migrations.RunPython(notes_to_records, migrations.RunPython.noop)]
