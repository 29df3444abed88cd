"""How a place delivers care, under /places/<place>/delivery/: the overview, and one page for
each thing a lead or ICB admin records (the archetype and budget, the council and lead care
provider, each function's holder, the contracting form and the lead provider terms), with a
confirmation page before a function's holder is removed. Access rules are in
governance.delivery.access.

Each form works without JavaScript (POST, then redirect with a message); with HTMX the same
view answers with the form's partial. A stale save says so and keeps what was typed."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from core.forms import add_service_errors
from core.htmx import change_done, change_refused, render_page_or_partial
from core.locking import ConcurrentEditError
from core.requests import signed_in_user
from governance.delivery import access, selectors, services
from governance.delivery.forms import (
    ArchetypeForm,
    ArrangementForm,
    ContractingFormForm,
    HolderForm,
    PartnersForm,
    TermsForm,
)
from governance.delivery.models import DeliveryArrangement, DeliveryFunction
from partners.models import Place

OVERVIEW = "governance/delivery/overview.html"
FORM = "governance/delivery/form.html"
CONFIRM = "governance/delivery/confirm.html"


@login_required
@require_GET
def overview(request: HttpRequest, place_pk: int) -> HttpResponse:
    place = access.place_to_read(request, place_pk)
    return render(
        request,
        OVERVIEW,
        {
            "place": place,
            "delivery": selectors.place_delivery(place=place),
            "can_edit": access.can_edit(request, place),
        },
    )


def _form_page(
    request: HttpRequest, place: Place, form: Any, page: dict[str, Any], **extra: Any
) -> HttpResponse:
    return render_page_or_partial(
        request,
        FORM,
        "delivery-form",
        {"place": place, "form": form, "action": request.path, **page, **extra},
        clear_status_on_post=True,
    )


# What each page of the arrangement is: its heading, what it says first, and where in the
# overview a saved answer is shown.
PAGES: dict[type[ArrangementForm], dict[str, str]] = {
    ArchetypeForm: {
        "heading": "Delivery archetype and budget",
        "intro": "The archetype says where commissioning, the integrator function and the "
        "budget sit. Each option shows who holds each function under it, and what it asks of "
        "local government and primary care.",
        "fragment": "archetype",
        "radios": "archetype_choices",
    },
    PartnersForm: {
        "heading": "Section 75 council and lead care provider",
        "intro": "Both archetypes rely on a section 75 agreement with local government; the "
        "lead care provider archetype also names the provider or partnership that leads care.",
        "fragment": "partners",
    },
    ContractingFormForm: {
        "heading": "Contracting form of the lead provider arrangement",
        "intro": "How the lead care provider and the other providers are bound together. Each "
        "form shows what the source says about its governance, risk and time limit.",
        "fragment": "lead-provider",
        "radios": "form_choices",
    },
    TermsForm: {
        "heading": "Terms of the lead provider arrangement",
        "intro": "What the participants agree: how long the contract runs, who bears the risk, "
        "how they decide, what each keeps for itself, the guarantee behind it and how GPs "
        "take part.",
        "fragment": "lead-provider",
    },
}


def _arrangement_page(
    request: HttpRequest, place_pk: int, form_class: type[ArrangementForm]
) -> HttpResponse:
    place = access.place_to_read(request, place_pk)
    if (answer := access.editors_only(request, place)) is not None:
        return answer
    page = PAGES[form_class]
    delivery = selectors.place_delivery(place=place)
    form = form_class(access.posted(request), place=place, arrangement=delivery.arrangement)
    conflict: DeliveryArrangement | None = None
    if request.method == "POST" and form.is_valid():
        try:
            form.save(actor=signed_in_user(request))
        except ConcurrentEditError as error:
            add_service_errors(form, error)
            conflict = selectors.place_delivery(place=place).arrangement
            form.start_from(conflict.version if conflict else services.NOT_SAVED_YET)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            to = access.overview_url(place, page["fragment"])
            return change_done(request, f"Saved: {page['heading'].lower()}.", to)
    radios = getattr(form, page["radios"])() if "radios" in page else None
    return _form_page(
        request,
        place,
        form,
        page,
        radios=radios,
        radio_field=form[next(iter(form_class.FIELDS))] if radios is not None else None,
        conflict=conflict,
        back=access.overview_url(place),
    )


@login_required
@require_http_methods(["GET", "POST"])
def archetype(request: HttpRequest, place_pk: int) -> HttpResponse:
    return _arrangement_page(request, place_pk, ArchetypeForm)


@login_required
@require_http_methods(["GET", "POST"])
def partners(request: HttpRequest, place_pk: int) -> HttpResponse:
    return _arrangement_page(request, place_pk, PartnersForm)


@login_required
@require_http_methods(["GET", "POST"])
def contracting_form(request: HttpRequest, place_pk: int) -> HttpResponse:
    return _arrangement_page(request, place_pk, ContractingFormForm)


@login_required
@require_http_methods(["GET", "POST"])
def terms(request: HttpRequest, place_pk: int) -> HttpResponse:
    return _arrangement_page(request, place_pk, TermsForm)


def _function_label(function: str) -> str:
    if function not in DeliveryFunction.values:
        raise Http404("No such function.")
    return str(DeliveryFunction(function).label)


@login_required
@require_http_methods(["GET", "POST"])
def holder(request: HttpRequest, place_pk: int, function: str) -> HttpResponse:
    place = access.place_to_read(request, place_pk)
    label = _function_label(function)
    if (answer := access.editors_only(request, place)) is not None:
        return answer
    holding = selectors.holding_of(place=place, function=function)
    form = HolderForm(access.posted(request), place=place, function=function, holding=holding)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = form.save(actor=signed_in_user(request))
        except ConcurrentEditError as error:
            add_service_errors(form, error)
            conflict = selectors.holding_of(place=place, function=function)
            form.start_from(conflict.version if conflict else services.NOT_SAVED_YET)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            to = access.overview_url(place, f"function-{function}")
            return change_done(request, f"Saved: {saved.holder} holds {label.lower()}.", to)
    delivery = selectors.place_delivery(place=place)
    row = next(r for r in delivery.rows if r.function == function)
    intro = (
        f"Under {delivery.archetype.name}, {label.lower()} sits with {row.allowed_words}."
        if delivery.archetype is not None and row.allowed
        else "Choose one of the place's partner organisations, its ICB, or one of its bodies."
    )
    page = {"heading": f"Who holds {label.lower()}?", "intro": intro}
    return _form_page(
        request,
        place,
        form,
        page,
        conflict_holding=conflict,
        back=access.overview_url(place),
    )


@login_required
@require_http_methods(["GET", "POST"])
def holder_remove(request: HttpRequest, place_pk: int, function: str) -> HttpResponse:
    """GET asks for confirmation on a page of its own; POST removes the record of who holds
    the function (its history stays)."""
    place = access.place_to_read(request, place_pk)
    label = _function_label(function)
    if (answer := access.editors_only(request, place)) is not None:
        return answer
    to = access.overview_url(place, f"function-{function}")
    holding = selectors.holding_of(place=place, function=function)
    if request.method == "GET":
        return render(
            request,
            CONFIRM,
            {
                "place": place,
                "caption": place.name,
                "question": f"Remove {holding.holder} as holding {label.lower()}?"
                if holding
                else f"Remove who holds {label.lower()}?",
                "consequences": [
                    f"{place.name} will record no holder for {label.lower()}: the design "
                    "check will warn until one is recorded.",
                    "The change is kept in the record's history and the audit log.",
                ],
                "refusal": ""
                if holding
                else f"No one is recorded as holding {label.lower()} for {place.name}.",
                "hidden": [("version", holding.version)] if holding else [],
                "button": "Remove",
                "action": request.path,
                "cancel_url": to,
            },
        )
    if holding is None:
        return change_refused(
            request,
            ValidationError(f"No one is recorded as holding {label.lower()} any more."),
            to,
        )
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1  # a form without its version is as stale as one from long ago
    try:
        services.holding_remove(actor=signed_in_user(request), holding=holding, version=version)
    except ValidationError as error:
        return change_refused(request, error, to)
    return change_done(request, f"Removed the holder of {label.lower()}.", to)
