"""Each person's home page: the work waiting for them, gathered from every app by role."""

import importlib

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from centres.access import roles_of
from portfolio.progress import sharing_unit_statuses

# Each app may offer `panels(user, roles) -> list[dict]`, each dict with "template" and its context.
PANEL_MODULES = ["portfolio.dashboard", "tracking.dashboard", "quality.dashboard"]


def _panels(user, roles) -> list[dict]:
    panels = []
    # Several panels read the same learner's criteria (progress, sheets to sign): assemble them once.
    with sharing_unit_statuses():
        for name in PANEL_MODULES:
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name != name:
                    raise
                continue
            panels.extend(module.panels(user, roles))
    return sorted(panels, key=lambda panel: panel.get("order", 100))


@login_required
def home(request):
    roles = roles_of(request.user)
    return render(request, "dashboard/home.html", {"panels": _panels(request.user, roles), "roles": roles})
