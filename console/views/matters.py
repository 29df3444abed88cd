"""Matter categories: the tree of kinds of decision that schemes' lines are about, shared by
every organisation of the system."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from console.decorators import console_view
from console.replies import confirm_page, form_on_page, form_sent, posted
from core.htmx import change_done, change_refused
from core.requests import signed_in_user
from delegations import matters as matter_tree
from delegations import selectors
from delegations.forms import MatterForm, MatterRenameForm
from delegations.models import MatterCategory
from partners.models import System

MATTERS = "console/delegations/matters.html"


def _matters_url(system: System) -> str:
    return reverse("console:matters", args=[system.slug])


def _matters_page(
    request: HttpRequest, system: System, form: MatterForm | None = None
) -> HttpResponse:
    tree = selectors.matter_tree(system=system)
    choices = [(n.matter.pk, "– " * n.depth + n.matter.name) for n in tree]
    context: dict[str, Any] = {
        "system": system,
        "tree": tree,
        "form": form or MatterForm(matters=choices, prefix="matter"),
    }
    return render(request, MATTERS, context)


@console_view("GET")
def matters(request: HttpRequest, system: System) -> HttpResponse:
    return _matters_page(request, system)


@console_view("GET", "POST")
def matter_add(request: HttpRequest, system: System) -> HttpResponse:
    if request.method == "GET":
        return redirect(_matters_url(system) + "#add-matter")
    if request.POST.get("defaults"):
        added = matter_tree.matter_tree_ensure(system=system, actor=signed_in_user(request))
        return change_done(
            request,
            f"Added {added} default matters." if added else "Every default matter is already here.",
            _matters_url(system),
        )
    choices = selectors.matter_choices(system=system)
    form = MatterForm(request.POST, matters=choices, prefix="matter")

    def save(data: dict[str, Any]) -> MatterCategory:
        return matter_tree.matter_add(
            actor=signed_in_user(request),
            system=system,
            name=data["name"],
            code=data["code"],
            parent=MatterCategory.objects.filter(system=system, pk=data["parent"]).first(),
            is_budget=data["is_budget"],
        )

    return form_sent(
        request,
        form,
        save=save,
        done=lambda matter: change_done(
            request, f"Added the matter {matter.name}.", _matters_url(system)
        ),
        again=lambda: _matters_page(request, system, form),
    )


@console_view("GET", "POST")
def matter_edit(request: HttpRequest, system: System, pk: int) -> HttpResponse:
    matter = get_object_or_404(MatterCategory, system=system, pk=pk)
    form = MatterRenameForm(
        posted(request),
        prefix="matter",
        initial={"name": matter.name, "code": matter.code, "is_budget": matter.is_budget},
    )
    return form_on_page(
        request,
        form,
        save=lambda data: matter_tree.matter_update(
            actor=signed_in_user(request),
            matter=matter,
            name=data["name"],
            code=data["code"],
            is_budget=data["is_budget"],
        ),
        message=lambda _: f"Saved the matter {form.cleaned_data['name']}.",
        done_url=_matters_url(system),
        system=system,
        matter=matter,
        heading=f"Rename {matter.name}",
        cancel_url=_matters_url(system),
    )


@console_view("GET", "POST")
def matter_remove(request: HttpRequest, system: System, pk: int) -> HttpResponse:
    """GET asks for confirmation on a page of its own; POST removes the matter (refused, with
    the reason, while lines use it or matters sit beneath it)."""
    matter = get_object_or_404(MatterCategory, system=system, pk=pk)
    if request.method == "GET":
        return confirm_page(
            request,
            system,
            question=f"Remove the matter {matter.name}?",
            consequences=[
                f"{matter.name} will be deleted from the matter categories of {system.name}, "
                "for every organisation. This cannot be undone.",
                "If lines of a scheme of delegation use it, or matters sit beneath it, it will "
                "not be removed: you will be told why.",
                "To have it again, add it again as a new matter.",
            ],
            button="Remove matter",
            cancel_url=_matters_url(system),
            list_label="Matter categories",
        )
    try:
        matter_tree.matter_remove(actor=signed_in_user(request), matter=matter)
    except ValidationError as error:
        return change_refused(request, error, _matters_url(system))
    return change_done(request, f"Removed the matter {matter.name}.", _matters_url(system))
