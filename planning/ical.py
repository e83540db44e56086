"""A person's visits as an RFC 5545 calendar (the `icalendar` library writes it: CRLF, folding, escaping).

It carries no more personal data than a first name and a place: no surnames, no emails, no evidence, not even the
purpose the assessor typed (free text may name anyone). The link to the visit's page needs signing in."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from .models import Visit


def first_name(user) -> str:
    """The first word of the person's name, never their email address."""
    return (user.full_name or "").split(" ")[0].strip()


def _aware(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time)).astimezone(dt.UTC)


def _summary(visit: Visit, user) -> str:
    if visit.assessor_id == user.pk:
        names = [first_name(r.learner) for r in visit.registrations.all()]
        names = [n for n in names if n]
        if len(names) > 3:
            return f"Assessment session ({len(names)} learners)"
        return "Assessment visit: " + ", ".join(names) if names else "Assessment visit"
    name = first_name(visit.assessor)
    return f"Assessment visit with {name}" if name else "Assessment visit"


def feed_calendar(user, visits: list[Visit], *, host: str, url_for=None) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Portfolio//Assessment visits//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "Assessment visits")
    stamp = timezone.now().astimezone(dt.UTC).replace(microsecond=0)
    for visit in visits:
        event = Event()
        event.add("uid", f"visit-{visit.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", _aware(visit.date, visit.starts_at))
        event.add("dtend", _aware(visit.date, visit.ends_at))
        event.add("summary", _summary(visit, user))
        event.add("location", visit.where)
        event.add("sequence", visit.sequence)
        event.add("status", "CANCELLED" if visit.is_cancelled else "CONFIRMED")
        if url_for is not None:
            event.add("url", url_for(visit))
        calendar.add_component(event)
    return calendar.to_ical()


def feed_host() -> str:
    hosts = [h for h in getattr(settings, "ALLOWED_HOSTS", []) if h and not h.startswith(".") and h != "*"]
    return hosts[0] if hosts else "portfolio.invalid"
