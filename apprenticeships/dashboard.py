"""Home-page panels: progress reviews due or overdue (the assessor's learners; the centre admin's centre), and for an
employer contact their apprentices."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from centres.access import access_profile
from centres.models import Role
from portfolio.models import Registration

from .models import Apprenticeship
from .selectors import review_state, reviews_due

LIMIT = 10


def _items(reviews, today) -> list[dict]:
    items = []
    for review in reviews:
        state = review_state(review, today)
        items.append(
            {
                "url": reverse("apprenticeships:review", args=[review.pk]),
                "learner": review.apprenticeship.registration.learner.full_name,
                "unit": (_("review overdue since %(date)s") if state == "overdue" else _("review due %(date)s"))
                % {"date": review.due_on.strftime("%d/%m/%Y")},
                "state": state,
            }
        )
    return items


# The specifications that support the Customer Service Practitioner apprenticeship standard (ST0072).
APPRENTICESHIP_QUALIFICATIONS = ("603/4687/5", "603/5681/9")


def _to_set_up(centre_ids) -> list[dict]:
    """Active registrations on a qualification that supports the standard, with no apprenticeship details yet."""
    registrations = (
        Registration.objects.filter(
            centre_id__in=centre_ids,
            status=Registration.Status.ACTIVE,
            qualification__number__in=APPRENTICESHIP_QUALIFICATIONS,
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


def _panel(panel_id: str, order: int, registrations, lead: str) -> dict:
    today = timezone.localdate()
    reviews = list(reviews_due(registrations, today)[:LIMIT])
    return {
        "template": "apprenticeships/_panel.html",
        "order": order,
        "id": panel_id,
        "title": _("Apprenticeship progress reviews due"),
        "lead": lead,
        "items": _items(reviews, today),
        "overdue": sum(1 for review in reviews if review.due_on < today),
        "empty": _("No progress reviews are due."),
    }


def _own_apprenticeships(user) -> tuple[list[int], bool]:
    """In one query: the registrations of the person's own active apprenticeships, and whether they are the employer
    contact of any apprentice."""
    rows = (
        Apprenticeship.objects.filter(
            Q(registration__learner=user, registration__status=Registration.Status.ACTIVE)
            | Q(employer__contacts__user=user, employer__contacts__is_active=True)
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
    if roles.get(Role.ASSESSOR):
        registrations = Registration.objects.filter(
            Q(assessor=user, centre_id__in=profile.centre_ids(Role.ASSESSOR))
        ).values("pk")
        result.append(
            _panel(
                "apprenticeship-reviews-assessor",
                27,
                registrations,
                _("Your apprentices whose progress review is overdue or due within two weeks."),
            )
        )
    if roles.get(Role.CENTRE_ADMIN):
        centre_ids = profile.centre_ids(Role.CENTRE_ADMIN)
        registrations = Registration.objects.filter(centre_id__in=centre_ids).values("pk")
        panel = _panel(
            "apprenticeship-reviews-admin",
            28,
            registrations,
            _("Apprentices at your centre whose progress review is overdue or due within two weeks."),
        )
        panel["links"] = _to_set_up(centre_ids) + [
            link
            for centre_id in centre_ids
            for link in (
                (reverse("apprenticeships:centre-settings", args=[centre_id]), _("Apprenticeship settings, OTJ CSV")),
                (reverse("apprenticeships:employer-contacts", args=[centre_id]), _("Employer contacts")),
            )
        ]
        result.append(panel)
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
