"""The free-text competence and CPD notes are gone: portfolio's migration 0006 turned them into records (and kept
their text in the audit history) before this one runs."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("centres", "0004_staff_awards_and_cpd"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="membership",
            name="competence_notes",
        ),
        migrations.RemoveField(
            model_name="membership",
            name="cpd_notes",
        ),
    ]
