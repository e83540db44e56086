import datetime as dt

import pytest

from portfolio.services.registration import RegistrationInput
from qualifications.models import Pathway, Qualification, Unit

NVQ_UNITS = ["R/601/1209", "A/601/1205", "M/601/1508", "A/601/1530"]  # one from each group A-D, 20 credits


@pytest.fixture
def make_input(world):
    def build(**overrides) -> RegistrationInput:
        today = dt.date.today()
        number = overrides.pop("qualification", "600/5472/4")
        units = overrides.pop("units", [])
        pathway = overrides.pop("pathway", None)
        values = dict(
            email="new.learner@example.test",
            full_name="Nina New",
            date_of_birth=dt.date(2000, 5, 17),
            qualification=Qualification.objects.get(number=number),
            start_date=today,
            planned_end_date=today + dt.timedelta(days=365),
            assessor=world.assessor,
            iqa=world.iqa,
            pathway=Pathway.objects.get(code=pathway) if pathway else None,
            optional_units=list(Unit.objects.filter(reference__in=units)),
        )
        values.update(overrides)
        return RegistrationInput(**values)

    return build
