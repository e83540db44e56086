"""The calendar feed of a user's visits: its address made anew or revoked, and the iCal feed itself, which needs no
sign-in: its secret token is the key, and a revoked token is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from ..ical import feed_calendar, feed_host
from ..models import CalendarFeed
from ..selectors import feed_visits
from ..services.visits import new_feed, revoke_feed


@login_required
@require_GET
def feed(request):
    live = CalendarFeed.objects.live().filter(user=request.user).first()
    url = request.build_absolute_uri(reverse("planning:ical", args=[live.token])) if live else ""
    return render(request, "planning/feed.html", {"feed": live, "url": url})


@login_required
@require_POST
def feed_new(request):
    new_feed(user=request.user)
    messages.success(request, gettext("Your new calendar address is ready; the old one no longer works."))
    return redirect("planning:feed")


@login_required
@require_POST
def feed_revoke(request):
    revoke_feed(user=request.user)
    messages.success(request, gettext("Your calendar address no longer works."))
    return redirect("planning:feed")


@require_GET
def ical(request, token: str):
    live = CalendarFeed.objects.live().filter(token=token, user__is_active=True).select_related("user").first()
    if live is None:
        raise Http404("No such calendar.")
    user = live.user
    body = feed_calendar(
        user,
        feed_visits(user),
        host=feed_host(),
        url_for=lambda visit: request.build_absolute_uri(reverse("planning:visit-detail", args=[visit.pk])),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="visits.ics"'
    response["Cache-Control"] = "private, no-store"
    return response
