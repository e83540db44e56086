"""Home-page panels: the apprentice's own links, a centre admin's apprenticeship links (learners to set up,
settings, employer contacts), and for an employer contact their apprentices. Reviews due are in "Waiting for you"."""

from __future__ import annotations

from django.db.models import BooleanField, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from centres.access import access_profile
from centres.models import Role
from centres.sessions import read_with_session
from portfolio.models import Registration
from portfolio.progress import active_registrations_of
from qualifications.cache import catalogue

from .models import Apprenticeship

LIMIT = 10


# The specifications that support the Customer Service Practitioner apprenticeship standard (ST0072).
APPRENTICESHIP_QUALIFICATIONS = ("603/4687/5", "603/5681/9")


def _to_set_up(centre_ids) -> list[dict]:
    """Active registrations on a qualification that supports the standard, with no apprenticeship details yet."""
    # The qualifications by id, from the catalogue held in memory: filtered by number through a join, PostgreSQL
    # matched every active registration of the centre against them (10 ms at 10,000 learners).
    qualification_ids = [
        pk
        for pk, qualification in catalogue().qualifications.items()
        if qualification.number in APPRENTICESHIP_QUALIFICATIONS
    ]
    registrations = (
        Registration.objects.filter(
            centre_id__in=centre_ids,
            status=Registration.Status.ACTIVE,
            qualification_id__in=qualification_ids,
            apprenticeship__isnull=True,
        )
        .select_related("learner", "qualification")
        .order_by("learner__full_name", "pk")[:LIMIT]
    )
    return [
        (
            reverse("apprenticeships:setup", args=[registration.pk]),
            _("Set up the apprenticeship of %(name)s (%(number)s)")
            % {"name": registration.learner.full_name, "number": registration.qualification.number},
        )
        for registration in registrations
    ]


def registration_is_apprenticeship(today, monday) -> dict:
    """For portfolio.progress.active_registrations_of (read once for the home page): whether each of the
    learner's active registrations is an apprenticeship."""
    return {"is_apprenticeship": Exists(Apprenticeship.objects.filter(registration=OuterRef("pk")))}


def employer_contact_with_session() -> dict:
    """Answers centres.hooks.session_user_values: whether the person is an active employer contact of an employer
    with apprentices, read with their session row."""
    return {
        "is_employer_contact": read_with_session(
            "is_employer_contact", _employer_contact_of_session_person, output_field=BooleanField()
        )
    }


def _employer_contact_of_session_person() -> Exists:
    return Exists(Apprenticeship.objects.filter(_employer_contact_of(OuterRef("user_id"))))


def _own_apprenticeships(user) -> tuple[list[int], bool]:
    """The registrations of the person's own active apprenticeships, and whether they are the employer contact of
    any apprentice: both read already with the home page's registrations and the session (no query of their own),
    or in one query where they were not."""
    employer = getattr(user, "session_is_employer_contact", None)
    if employer is not None:
        registrations = active_registrations_of(user)
        if all(hasattr(registration, "is_apprenticeship") for registration in registrations):
            return [r.pk for r in registrations if r.is_apprenticeship], bool(employer)
    rows = (
        Apprenticeship.objects.filter(
            Q(registration__learner=user, registration__status=Registration.Status.ACTIVE) | _employer_contact_of(user)
        )
        .values_list("registration_id", "registration__learner_id")
        .distinct()
        .order_by("registration_id")
    )
    own, employer = [], False
    for registration_id, learner_id in rows:
        if learner_id == user.pk:
            own.append(registration_id)
        else:
            employer = True
    return own, employer


def _employer_contact_of(person) -> Q:
    """Apprenticeships whose employer has the person (a user, or a reference to one) as an active contact."""
    return Q(employer__contacts__user=person, employer__contacts__is_active=True)


def _learner_panel(registration_ids: list[int]) -> dict:
    links = []
    for registration_id in registration_ids:
        links.append((reverse("apprenticeships:detail", args=[registration_id]), _("Your apprenticeship")))
        links.append((reverse("apprenticeships:otj", args=[registration_id]), _("Record off-the-job training")))
    return {
        "template": "tracking/_panel.html",
        "order": 24,
        "id": "apprenticeship-learner",
        "title": _("Apprenticeship"),
        "items": [],
        "empty": _("Your training plan, off-the-job training and progress reviews."),
        "links": links,
    }


def panels(user, roles) -> list[dict]:
    result = []
    own, employer = _own_apprenticeships(user)
    if own:
        result.append(_learner_panel(own))
    profile = access_profile(user)
    # Progress reviews due, overdue or waiting for the provider's signature are listed once, under "Waiting for
    # you" (dashboard.waiting.reviews): a centre admin's panel here keeps the links that are not to-dos.
    if roles.get(Role.CENTRE_ADMIN):
        centre_ids = profile.centre_ids(Role.CENTRE_ADMIN)
        result.append(
            {
                "template": "tracking/_panel.html",
                "order": 28,
                "id": "apprenticeship-admin",
                "title": _("Apprenticeships"),
                "items": [],
                "empty": _("Progress reviews due or overdue are listed under “Waiting for you”."),
                "links": _to_set_up(centre_ids)
                + [
                    link
                    for centre_id in centre_ids
                    for link in (
                        (
                            reverse("apprenticeships:centre-settings", args=[centre_id]),
                            _("Apprenticeship settings, OTJ CSV"),
                        ),
                        (reverse("apprenticeships:employer-contacts", args=[centre_id]), _("Employer contacts")),
                    )
                ],
            }
        )
    if employer:
        result.append(
            {
                "template": "apprenticeships/_employer_panel.html",
                "order": 5,
                "id": "employer-apprentices",
                "title": _("Your apprentices"),
            }
        )
    return result
