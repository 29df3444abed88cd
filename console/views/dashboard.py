"""The console's overview: counts of the system's records and its latest changes."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from console.decorators import console_view
from partners import selectors
from partners.models import System


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
