"""The bell's pages: a person's notifications, their email choices, and the one-click unsubscribe."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .email import read_unsubscribe_token
from .kinds import REGISTRY, Delivery, all_kinds
from .models import Notification
from .services import mark_all_read, mark_read, preferences_of, set_preference

PAGE_SIZE = 25


def _own_notification(user, pk: int) -> Notification:
    """Another person's notification is a 404, never a hint that it exists."""
    return get_object_or_404(Notification, pk=pk, recipient=user)


@login_required
@require_GET
def notification_list(request):
    notifications = Notification.objects.for_user(request.user)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    labels = {key: kind.label for key, kind in REGISTRY.items()}
    rows = [{"notification": n, "kind": labels.get(n.kind, "")} for n in page]
    return render(
        request,
        "notifications/list.html",
        {"page": page, "rows": rows, "has_unread": any(not n.is_read for n in page) or page.number > 1},
    )


def _safe_target(request, url: str) -> str:
    if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return "notifications:list"


@login_required
@require_POST
def open_notification(request, pk: int):
    """Mark it read and go to its page."""
    notification = _own_notification(request.user, pk)
    mark_read(user=request.user, notification=notification)
    return redirect(_safe_target(request, notification.url))


@login_required
@require_POST
def mark_read_view(request, pk: int):
    notification = _own_notification(request.user, pk)
    mark_read(user=request.user, notification=notification)
    return redirect("notifications:list")


@login_required
@require_POST
def mark_all_read_view(request):
    count = mark_all_read(user=request.user)
    if count:
        messages.success(request, _("All notifications marked read."))
    return redirect("notifications:list")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    current = preferences_of(request.user)
    if request.method == "POST":
        errors = False
        for kind in all_kinds():
            chosen = request.POST.get(f"kind-{kind.key}", current[kind.key])
            if chosen not in Delivery.values:
                errors = True
                continue
            if chosen != current[kind.key]:
                set_preference(user=request.user, kind=kind.key, delivery=chosen)
        if errors:
            messages.error(request, _("Choose one of the options for each kind."))
        else:
            messages.success(request, _("Your notification choices are saved."))
        return redirect("notifications:settings")
    rows = [{"kind": kind, "delivery": current[kind.key]} for kind in all_kinds()]
    return render(request, "notifications/settings.html", {"rows": rows, "choices": Delivery.choices})


@csrf_exempt  # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" without a session or a CSRF token
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """Turn off the emails the signed token names, without signing in. A GET only asks (link scanners follow
    links); the POST, from the page's button or the mail client, does it."""
    read = read_unsubscribe_token(token)
    if read is None:
        raise Http404("This unsubscribe link is not valid.")
    user_id, kinds = read
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        raise Http404("This unsubscribe link is not valid.")
    labels = [REGISTRY[kind].label for kind in kinds]
    if request.method == "POST":
        for kind in kinds:
            set_preference(user=user, kind=kind, delivery=Delivery.OFF)
        return render(request, "notifications/unsubscribed.html", {"labels": labels})
    return render(request, "notifications/unsubscribe.html", {"labels": labels})
