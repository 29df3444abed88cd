"""Pages every signed-in person sees: their places, a place's partners and people, and the
invitation link that sets a first password."""

from __future__ import annotations

from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from partners.forms import NHSSetPasswordForm
from partners.services.people import invitation_accept, invitation_find


def _invitation_unusable(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """The link cannot be used (any more): say why, as "gone"."""
    return render(
        request, "registration/invitation_invalid.html", {"problem": error.messages[0]}, status=410
    )


@require_http_methods(["GET", "POST"])
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = invitation_find(token=token)
    except ValidationError as error:
        return _invitation_unusable(request, error)
    form = NHSSetPasswordForm(invitation.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept(token=token, password=form.cleaned_data["new_password1"])
        except ValidationError as error:
            return _invitation_unusable(request, error)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("home")
    return render(
        request, "registration/invitation_accept.html", {"form": form, "invitation": invitation}
    )


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "accessibility.html")
