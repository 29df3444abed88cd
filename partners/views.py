"""Pages every signed-in person sees: their places, a place's partners and people, and the
invitation link that sets a first password."""

from __future__ import annotations

from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from partners.forms import NHSSetPasswordForm
from partners.services import invitation_accept, invitation_find


@require_http_methods(["GET", "POST"])
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = invitation_find(token=token)
    except ValidationError as error:
        return render(
            request,
            "registration/invitation_invalid.html",
            {"problem": error.messages[0]},
            status=410,
        )
    form = NHSSetPasswordForm(invitation.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept(token=token, password=form.cleaned_data["new_password1"])
        except ValidationError as error:
            return render(
                request,
                "registration/invitation_invalid.html",
                {"problem": error.messages[0]},
                status=410,
            )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("home")
    return render(
        request, "registration/invitation_accept.html", {"form": form, "invitation": invitation}
    )


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "accessibility.html")
