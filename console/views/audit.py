"""The audit log: every recorded change and download in the system, searchable and by area."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from console.decorators import console_view
from console.lists import list_context
from core.htmx import render_page_or_partial
from partners import selectors
from partners.models import System


@console_view("GET")
def audit(request: HttpRequest, system: System) -> HttpResponse:
    context = list_context(
        request,
        system,
        url_name="console:audit",
        rows=selectors.console_audit_events,
        choice_filter=("area", selectors.AUDIT_AREAS),
    )
    context["events"] = context["page_obj"].object_list
    return render_page_or_partial(request, "console/overview/audit.html", "audit-results", context)
