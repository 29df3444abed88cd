"""A place's design pages, under /places/<place>/design/: the design checklist (what is missing
or unworkable in the place's governance, and where to fix it) and the decision router ("who
may take this decision?"). Both are read-only, for the place's readers; anyone else gets 404.

The router is a GET form, so an answer's address is a link anyone who may read the place can
follow to see the same answer; over HTMX only the answer is swapped and the address updated."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from core.htmx import wants_partial
from delegations.forms import PoundsField
from delegations.models import MatterCategory, SchemeOfDelegation, SchemeStatus
from delegations.router import MatterTree, RouteResult, route_decision
from design.validator import FAIL, PASS, WARNING, CheckItem, Fix, design_check, summary_counts
from partners.access import get_place_for, has_object_permission
from partners.forms import NHSForm
from partners.models import Organisation, Place, PlacePartner
from partners.permissions import ADMINISTER_SYSTEM

CHECK = "governance/design/check.html"
DECIDE = "governance/design/decide.html"


class DecisionForm(NHSForm):
    matter = forms.TypedChoiceField(
        label="What is the decision about?",
        coerce=int,
        error_messages={
            "required": "Choose what the decision is about.",
            "invalid_choice": "Choose a matter from the list.",
        },
    )
    value = PoundsField(
        label="Value of the decision, in pounds",
        help_text="For example 250000, £2,500,000 or 2.5m. Enter 0 if no money is involved.",
        error_messages={"required": "Enter the value of the decision in pounds."},
    )
    organisations = forms.TypedMultipleChoiceField(
        label="Organisations whose resources are involved",
        help_text="Partners of the place with a scheme of delegation in force.",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Tick at least one organisation whose resources are involved.",
            "invalid_choice": "Choose organisations from the list.",
        },
    )

    def __init__(
        self, *args: Any, tree: MatterTree, organisations: list[Organisation], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.tree = tree
        self.organisation_rows = {o.pk: o for o in organisations}
        matter: forms.TypedChoiceField = self.fields["matter"]  # type: ignore[assignment]
        matter.choices = [("", "Choose a matter"), *tree.options()]
        chosen: forms.TypedMultipleChoiceField = self.fields["organisations"]  # type: ignore[assignment]
        chosen.choices = [(o.pk, o.name) for o in organisations]
        self.fields["value"].widget.attrs["class"] += " nhsuk-input--width-10"

    def chosen_matter(self, system_id: int) -> MatterCategory:
        """The matter, built from the tree already read (no query)."""
        pk = self.cleaned_data["matter"]
        return MatterCategory(
            pk=pk,
            system_id=system_id,
            parent_id=self.tree.parents[pk],
            name=self.tree.names[pk],
        )

    def chosen_organisations(self) -> list[Organisation]:
        return [self.organisation_rows[pk] for pk in self.cleaned_data["organisations"]]


def _fix_href(request: HttpRequest, place: Place, fix: Fix | None) -> str | None:
    """The page that fixes an item, if it exists and the reader may use it."""
    if fix is None:
        return None
    if fix.name.startswith("console:") and not has_object_permission(
        request, ADMINISTER_SYSTEM, place.system
    ):
        return None
    try:
        return reverse(fix.name, args=fix.args)
    except NoReverseMatch:
        return None


def _vary(response: HttpResponse) -> HttpResponse:
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
@require_GET
def check(request: HttpRequest, place_pk: int) -> HttpResponse:
    place = get_place_for(request, place_pk)
    items: list[CheckItem] = design_check(place=place)
    rows = [(item, _fix_href(request, place, item.fix_url)) for item in items]
    return render(
        request,
        CHECK,
        {
            "place": place,
            "rows": rows,
            "counts": summary_counts(items),
            "PASS": PASS,
            "WARNING": WARNING,
            "FAIL": FAIL,
        },
    )


def _organisations_in_force(place: Place) -> list[Organisation]:
    today = timezone.localdate()
    in_force = SchemeOfDelegation.objects.filter(
        organisation=OuterRef("organisation"),
        status=SchemeStatus.IN_FORCE,
        effective_from__lte=today,
    ).filter(Q(effective_to__isnull=True) | Q(effective_to__gte=today))
    return [
        partner.organisation
        for partner in PlacePartner.objects.filter(place=place)
        .filter(Exists(in_force))
        .select_related("organisation")
        .order_by("organisation__name")
    ]


@login_required
@require_GET
def decide(request: HttpRequest, place_pk: int) -> HttpResponse:
    place = get_place_for(request, place_pk)
    tree = MatterTree.load(place.system_id)
    organisations = _organisations_in_force(place)
    submitted = any(key in request.GET for key in ("matter", "value", "organisations"))
    form = DecisionForm(
        request.GET if submitted else None,
        tree=tree,
        organisations=organisations,
        initial={"organisations": [o.pk for o in organisations]},
    )
    result: RouteResult | None = None
    if submitted and form.is_valid():
        result = route_decision(
            place=place,
            matter=form.chosen_matter(place.system_id),
            value=form.cleaned_data["value"],
            organisations=form.chosen_organisations(),
            tree=tree,
        )
    url = reverse("design:decide", args=[place.pk])
    context = {
        "place": place,
        "form": form,
        "result": result,
        "url": url,
        "share_url": request.build_absolute_uri(f"{url}?{request.GET.urlencode()}")
        if result
        else None,
        "has_organisations": bool(organisations),
    }
    template = DECIDE + "#decision-result" if wants_partial(request) else DECIDE
    return _vary(render(request, template, context))
