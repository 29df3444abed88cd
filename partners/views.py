"""Pages every signed-in person sees: their places, a place's partners and people, the
invitation link that sets a first password, and a role another system offers them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from core.requests import signed_in_user
from partners.forms import NHSSetPasswordForm
from partners.selectors import offer_for
from partners.services.people import (
    invitation_accept,
    invitation_find,
    membership_offer_answer,
)


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


ANSWERS = {"accept": True, "decline": False}


@login_required
@require_http_methods(["GET", "POST"])
def membership_offer_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One question: does the person join the system that offered them a role? Until they
    say yes, the system sees only the e-mail address it typed."""
    user = signed_in_user(request)
    offer = offer_for(user=user, pk=pk)
    problem = ""
    if request.method == "POST":
        answer = request.POST.get("answer", "")
        if answer not in ANSWERS:
            problem = f"Choose whether to join {offer.system.name}."
        else:
            try:
                membership_offer_answer(user=user, offer=offer, accept=ANSWERS[answer])
            except ValidationError as error:
                problem = error.messages[0]
            else:
                done = (
                    f"You have joined {offer.system.name}."
                    if ANSWERS[answer]
                    else f"You declined the invitation from {offer.system.name}."
                )
                messages.success(request, done)
                return redirect("home")
    return render(
        request,
        "partners/membership_offer.html",
        {"offer": offer, "problem": problem},
        status=400 if problem else 200,
    )


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "accessibility.html")
