"""The catalogue: public guidance any signed-in person may read. The framework shown is the one
`?framework=<slug>` names; without one it is the newest framework of place governance
arrangements (kind "arrangements", the 2021 framework's kind), so every page and link that
names no framework keeps the meaning it had before the 2025 delivery archetypes were added.
Every page links to every framework (the switcher), keeping the page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from core.htmx import wants_partial
from governance.catalogue import selectors
from governance.catalogue.forms import CompareForm, OptionSetForm
from governance.catalogue.models import Band, DeliveryModel, FrameworkKind
from governance.catalogue.selectors import Catalogue


def _catalogue(request: HttpRequest) -> tuple[Catalogue, dict[str, object]]:
    slug = request.GET.get("framework", "").strip() or None
    catalogue = Catalogue.load(selectors.framework_get(slug))
    return catalogue, {
        "catalogue": catalogue,
        "framework": catalogue.framework,
        "framework_slug": slug or "",
        "frameworks": selectors.framework_links(catalogue.framework),
        "archetypes": catalogue.framework.kind == FrameworkKind.ARCHETYPES,
        "no_rating": selectors.NO_RATING,
    }


@login_required
@require_GET
def options(request: HttpRequest) -> HttpResponse:
    catalogue, context = _catalogue(request)
    context["cards"] = selectors.option_cards(catalogue)
    context["principles"] = selectors.framework_catalogue(framework=catalogue.framework).principles
    context["tiers"] = selectors.framework_tiers(catalogue.framework)
    return render(request, "governance/catalogue/options.html", context)


@login_required
@require_GET
def option_detail(request: HttpRequest, number: int) -> HttpResponse:
    catalogue, context = _catalogue(request)
    context["detail"] = selectors.option_detail(catalogue, number)
    return render(request, "governance/catalogue/option_detail.html", context)


@login_required
@require_GET
def ratings(request: HttpRequest) -> HttpResponse:
    catalogue, context = _catalogue(request)
    context["matrix"] = selectors.ratings_matrix(catalogue)
    context["bands"] = Band.choices
    return render(request, "governance/catalogue/ratings.html", context)


@login_required
@require_GET
def explorer(request: HttpRequest) -> HttpResponse:
    """Tick options and see whether they may be used together; over HTMX only the result."""
    catalogue, context = _catalogue(request)
    form = OptionSetForm(request.GET or None, options=catalogue.options)
    numbers = form.cleaned_data["options"] if form.is_bound and form.is_valid() else []
    context["form"] = form
    context["exploration"] = selectors.explore(catalogue, numbers)
    template = "governance/catalogue/explorer.html"
    response = render(
        request, template + "#explorer-result" if wants_partial(request) else template, context
    )
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
@require_GET
def delivery_models(request: HttpRequest) -> HttpResponse:
    """The delivery models by kind, and a side-by-side comparison of two to four of them."""
    all_models = list(DeliveryModel.objects.all())
    form = CompareForm(
        request.GET if "models" in request.GET or "compare" in request.GET else None,
        delivery_models=all_models,
    )
    compared = form.chosen() if form.is_bound and form.is_valid() else []
    grouped = selectors.group_delivery_models(all_models)
    return render(
        request,
        "governance/catalogue/delivery_models.html",
        {"form": form, "compared": compared, "grouped": grouped},
    )
