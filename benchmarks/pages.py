"""The pages issues 15 and 16 name, beside the main pages (benchmarks.measure): each timed as the main pages are,
signed in as the person whose page it is, and the API's list endpoints (issue 17) with a bearer token."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from centres.models import User

from .data import BenchCentre
from .measure import time_page
from .portable import api_client, api_endpoints

HOME_OF = {
    "learner": "home: learner",
    "assessor": "home: assessor",
    "trainee assessor": "home: trainee assessor",
    "iqa": "home: IQA",
    "admin": "home: centre admin",
    "EQA": "home: EQA",
    "apprentice": "home: apprentice",
    "employer contact": "home: employer contact",
}


def more_pages(bench: BenchCentre) -> dict[str, dict[str, tuple[str, str]]]:
    """Section -> page name -> (who, URL)."""
    today = timezone.localdate().isoformat()
    calendar = reverse("planning:calendar")
    cycle = {
        "calendar, week": ("assessor", f"{calendar}?date={today}"),
        "calendar, month": ("assessor", f"{calendar}?view=month&date={today}"),
        "assessment plan": ("learner", reverse("planning:plan-detail", args=[bench.assessment_plan_id])),
    }
    cycle |= {HOME_OF[who]: (who, reverse("home")) for who in HOME_OF if who in bench.everyone()}
    apprentice = bench.apprentice_registration_id
    apprenticeships = {
        "OTJ log and summary (apprentice)": ("apprentice", reverse("apprenticeships:otj", args=[apprentice])),
        "OTJ log and summary (assessor)": ("assessor", reverse("apprenticeships:otj", args=[apprentice])),
        "apprenticeship page (reviews list)": ("assessor", reverse("apprenticeships:detail", args=[apprentice])),
        "employer contact's page": ("employer contact", reverse("apprenticeships:employer-home")),
        "employer contact's apprentice (OTJ, reviews)": (
            "employer contact",
            reverse("apprenticeships:employer-apprentice", args=[bench.apprenticeship_id]),
        ),
        "OTJ CSV export (whole centre)": ("admin", reverse("apprenticeships:otj-csv", args=[bench.centre_id])),
    }
    return {"issue 15": cycle, "issue 16": apprenticeships}


def time_more_pages(bench: BenchCentre, repeat: int) -> dict:
    clients: dict[str, Client] = {}
    for who, pk in bench.everyone().items():
        clients[who] = Client()
        clients[who].force_login(User.objects.get(pk=pk))
    return {
        section: {
            name: {"url": url, "as": who, **time_page(clients[who], url, repeat)} for name, (who, url) in pages.items()
        }
        for section, pages in more_pages(bench).items()
    }


def time_api(bench: BenchCentre, repeat: int) -> dict:
    client = api_client(bench)
    return {name: {"url": url, **time_page(client, url, repeat)} for name, url in api_endpoints(bench).items()}
