"""The centre admin's page for API tokens: make one (its secret shown once), see them, revoke one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from centres.access import centres_where, get_centre_for
from centres.models import Role
from core.views import domain_errors_as_messages

from .forms import TokenForm
from .models import ApiToken
from .tokens import create_token, revoke_token


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    centres = centres_where(request.user, Role.CENTRE_ADMIN)
    if not centres.exists():
        raise PermissionDenied(_("Only a centre admin manages API tokens."))
    form = TokenForm(request.POST or None, centres=centres)
    secret = None
    if request.method == "POST" and form.is_valid():
        with domain_errors_as_messages(request, form=form) as outcome:
            token, secret = create_token(
                actor=request.user,
                centre=form.cleaned_data["centre"],
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                days=form.cleaned_data["days"],
            )
        if outcome.ok:
            form = TokenForm(centres=centres)
    listed = ApiToken.objects.filter(centre__in=centres).select_related("centre", "created_by", "revoked_by")
    return render(
        request,
        "api/tokens.html",
        {"form": form, "tokens": listed, "secret": secret, "many_centres": centres.count() > 1},
    )


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk)
    get_centre_for(request.user, token.centre_id, Role.CENTRE_ADMIN)
    with domain_errors_as_messages(request) as outcome:
        revoke_token(actor=request.user, token=token)
    if outcome.ok:
        messages.success(request, _("The token %(name)s is revoked: it no longer works.") % {"name": token.name})
    return redirect("api:tokens")
