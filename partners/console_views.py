"""The ICB admin console: in-app pages where a system's ICB governance admins manage places,
organisations, people and memberships."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from partners.models import System
from partners.permissions import ADMINISTER_SYSTEM


def get_system_for_admin(request: HttpRequest, system_slug: str) -> System:
    system = get_object_or_404(System, slug=system_slug)
    if not request.user.has_perm(ADMINISTER_SYSTEM, system):
        raise Http404("No such system.")
    return system


@login_required
def dashboard(request: HttpRequest, system_slug: str) -> HttpResponse:
    system = get_system_for_admin(request, system_slug)
    return render(request, "console/dashboard.html", {"system": system})
