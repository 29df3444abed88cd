"""The console's overview: counts of the system's records and its latest changes; and the
console's front door, /console/, which leads to the system a person administers."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET
from guardian.shortcuts import get_objects_for_user

from console.decorators import console_view
from console.replies import form_sent, posted
from core.htmx import change_done
from core.requests import signed_in_user
from partners import selectors, services
from partners.forms import SystemPopulationForm
from partners.models import System
from partners.permissions import ADMINISTER_SYSTEM
from partners.two_factor import require_verified_admin


@login_required
@require_GET
def landing(request: HttpRequest) -> HttpResponse:
    """Straight to the dashboard of the one system the person administers, or a choice when
    they administer several. Someone who administers none finds nothing here (404), as on
    every other console page."""
    # The permission `console_view` checks on each system, so this list and the pages it
    # leads to always agree.
    systems = list(
        get_objects_for_user(request.user, ADMINISTER_SYSTEM, klass=System).order_by("name")
    )
    if not systems:
        raise Http404("No such system.")
    require_verified_admin(request)
    if len(systems) == 1:
        return redirect("console:dashboard", systems[0].slug)
    return render(request, "console/overview/landing.html", {"systems": systems})


@console_view("GET")
def dashboard(request: HttpRequest, system: System) -> HttpResponse:
    return render(
        request,
        "console/overview/dashboard.html",
        {
            "system": system,
            "counts": selectors.console_dashboard_counts(system=system),
            "events": selectors.console_recent_audit_events(system=system),
        },
    )


@console_view("GET", "POST")
def system_edit(request: HttpRequest, system: System) -> HttpResponse:
    """The system's own details an ICB admin keeps: how many people live in its footprint."""
    form = SystemPopulationForm(posted(request), initial={"population": system.population})
    dashboard_url = reverse("console:dashboard", args=[system.slug])

    def save(data: dict[str, Any]) -> System:
        return services.system_update(
            actor=signed_in_user(request), system=system, population=data["population"]
        )

    return form_sent(
        request,
        form,
        save=save,
        done=lambda saved: change_done(
            request, f"Saved the population of {saved.name}.", dashboard_url
        ),
        again=lambda: render(
            request,
            "console/overview/system_form.html",
            {"system": system, "form": form, "cancel_url": dashboard_url},
        ),
    )
