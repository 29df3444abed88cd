"""Pages every signed-in person sees: their places, a place's partners and people, and the
invitation link that sets a first password."""

from __future__ import annotations

from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods

from governance.selectors import rounds_for_place
from partners.access import has_object_permission, require_object_permission
from partners.forms import NHSSetPasswordForm
from partners.htmx import wants_partial
from partners.models import Place
from partners.pagination import PEOPLE_PER_PAGE, paginate
from partners.permissions import LEAD_PLACE, VIEW_PLACE
from partners.selectors import place_partners_by_sector, place_people, places_for_home
from partners.services import invitation_accept, invitation_find


def get_place_for(request: HttpRequest, place_pk: int, permission: str = VIEW_PLACE) -> Place:
    """The place, if the person may see it. Otherwise 404: a place you do not belong to does
    not exist as far as you are concerned."""
    place = get_object_or_404(Place.objects.select_related("system"), pk=place_pk, is_active=True)
    require_object_permission(request, permission, place)
    return place


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "partners/home.html", {"places": places_for_home(user=request.user)})  # type: ignore[arg-type]


@login_required
def place_detail(request: HttpRequest, place_pk: int) -> HttpResponse:
    """The place's partners by sector and its people; for HTMX (search, paging) just the
    people."""
    place = get_place_for(request, place_pk)
    search = request.GET.get("q", "").strip()
    context = {
        "place": place,
        "search": search,
        "people_url": reverse("place_detail", args=[place.pk]),
        **paginate(request, place_people(place=place, search=search), PEOPLE_PER_PAGE),
    }
    if wants_partial(request):
        response = render(request, "partners/place_people.html", context)
    else:
        context["partners_by_sector"] = place_partners_by_sector(place=place)
        context["is_lead"] = has_object_permission(request, LEAD_PLACE, place)
        context["rounds"] = list(rounds_for_place(place=place))
        response = render(request, "partners/place_detail.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


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
