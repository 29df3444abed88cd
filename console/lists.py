"""The console's searchable lists: the search text, an optional filter by one choice, and one
page of rows. Every list renders through templates/console/_list.html; the lists of places,
organisations and people also add, change and act on their rows in place (`EditableList`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse

from console.decorators import ConsoleView, console_view
from console.replies import (
    form_sent,
    inline_form,
    page_or_partial,
    posted,
    posted_flag,
    row_action,
    row_alone,
)
from core.htmx import change_done, reply_with_partial
from core.pagination import paginate
from core.requests import signed_in_user
from partners.models import System

T = TypeVar("T")
Choices = list[tuple[str, str]]

# Stand-ins for the pks in a reversed URL: as large as an `int` converter's value can be and
# not otherwise in the URL (the system's slug is letters and hyphens).
_PK_STAND_INS = ("2147483647", "2147483646")


class RowUrl:
    """A URL of the system's rows (`name` takes the system's slug, then one pk per row, or
    two for a row within a row), reversed once per list: a list of 25 people has a hundred
    and more links, and `reverse()` each time was a quarter of the page's time.
    `url(pk, …)` gives a row's URL."""

    def __init__(self, name: str, system: System, pks: int = 1) -> None:
        reversed_url = reverse(name, args=[system.slug, *_PK_STAND_INS[:pks]])
        parts = [reversed_url]
        for stand_in in _PK_STAND_INS[:pks]:
            before, after = parts.pop().split(stand_in)
            parts += [before, after]
        self._parts = parts

    def __call__(self, *pks: int) -> str:
        assert len(pks) == len(self._parts) - 1
        url = self._parts[0]
        for pk, part in zip(pks, self._parts[1:], strict=True):
            url += f"{pk}{part}"
        return url


def list_context(
    request: HttpRequest,
    system: System,
    *,
    url_name: str,
    rows: Callable[..., Any],
    choice_filter: tuple[str, Choices] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A list's context. `rows(system=, search=, **filters)` gives the rows; `choice_filter`
    names the query parameter of a filter by one choice and its choices (e.g. "sector" and
    the sectors): an unknown value means no filter."""
    search = request.GET.get("q", "").strip()
    context: dict[str, Any] = {
        "system": system,
        "q": search,
        "list_url": reverse(url_name, args=[system.slug]),
    }
    filters = {}
    if choice_filter:
        name, choices = choice_filter
        value = request.GET.get(name, "")
        filters[name] = value if value in dict(choices) else ""
        context["filter"] = {"name": name, "value": filters[name], "choices": choices}
    return {**context, **paginate(request, rows(system=system, search=search, **filters)), **extra}


@dataclass(frozen=True)
class EditableList:
    """A list of `item`s ("place", "organisation", "person") whose template has the partials
    `<item>-results` (the rows), the add panel `<item>-<add_panel>`, `<item>-row` (one row,
    with the item in the context under `item`) and `<item>-form` (a row's edit form).

    `one(system=, pk=)` finds an item as the list shows it; `fields` are what its forms give
    its services: `create(actor=, system=, **fields)` adds one and `update(actor, item,
    **changes)` changes one. `add_form(data, system)` and `edit_form(data, item)` make the
    forms, bound to `data` (None on GET).

    `urls(system)` gives what puts a row's URLs on an item (as `item.urls`, and on what the
    row lists within it), built from `RowUrl`s made once for the page."""

    template: str
    url_name: str
    rows: Callable[..., Any]
    one: Callable[..., Any]
    item: str
    fields: tuple[str, ...]
    create: Callable[..., Any]
    add_form: Callable[[QueryDict | None, System], BaseForm]
    update: Callable[..., Any] | None = None
    edit_form: Callable[[QueryDict | None, Any], BaseForm] | None = None
    add_panel: str = "add"
    choice_filter: tuple[str, Choices] | None = None
    urls: Callable[[System], Callable[[Any], None]] | None = None

    def partial(self, name: str) -> str:
        return f"{self.item}-{name}"

    def url(self, system: System) -> str:
        return reverse(self.url_name, args=[system.slug])

    def get(self, system: System, pk: int) -> Any:
        return self.one(system=system, pk=pk)

    def with_urls(self, system: System, items: list[Any]) -> list[Any]:
        """`items`, each with its row's URLs."""
        if self.urls is not None:
            add_urls = self.urls(system)
            for item in items:
                add_urls(item)
        return items

    def changes(self, data: dict[str, Any]) -> dict[str, Any]:
        """What a valid form gives the services."""
        return {name: data[name] for name in self.fields}

    def context(self, request: HttpRequest, system: System, **extra: Any) -> dict[str, Any]:
        context = list_context(
            request,
            system,
            url_name=self.url_name,
            rows=self.rows,
            choice_filter=self.choice_filter,
            **extra,
        )
        page = context["page_obj"]
        page.object_list = self.with_urls(system, list(page.object_list))
        return context

    def item_context(self, system: System, item: Any, **extra: Any) -> dict[str, Any]:
        return {"system": system, self.item: self.with_urls(system, [item])[0], **extra}

    # The list's views ---------------------------------------------------------------------

    def page_view(self) -> ConsoleView:
        """The list's page, or for htmx (a search or another page) its rows."""

        @console_view("GET")
        def page(request: HttpRequest, system: System) -> HttpResponse:
            context = self.context(request, system)
            return page_or_partial(request, self.template, self.partial("results"), context)

        return page

    def add_view(
        self,
        *,
        message: Callable[[Any], str] | None = None,
        highlight: Callable[[Any], int] | None = None,
    ) -> ConsoleView:
        """The add panel: "Cancel" closes it. Once `create` has added the item, the panel
        closes again with the message (by default "Added <item> <name>.") and, out of band,
        the list with the new item (whose pk is `highlight(item)`, by default its own)
        highlighted; without JavaScript, the list."""

        @console_view("GET", "POST")
        def add(request: HttpRequest, system: System) -> HttpResponse:
            panel = self.partial(self.add_panel)
            if request.GET.get("cancel"):
                return page_or_partial(request, self.template, panel, self.context(request, system))
            form = self.add_form(request.POST or None, system)

            def added(item: Any) -> HttpResponse:
                text = message(item) if message else f"Added {self.item} {item.name}."
                new_pk = highlight(item) if highlight else item.pk

                def reply() -> HttpResponse:
                    results = self.context(request, system, highlight=new_pk)
                    return reply_with_partial(
                        request,
                        self.template,
                        panel,
                        {"system": system},
                        status_message=text,
                        out_of_band=((f"{self.template}#{self.partial('results')}", results),),
                    )

                return change_done(request, text, self.url(system), reply)

            def again() -> HttpResponse:
                context = self.context(request, system, add_form=form)
                return page_or_partial(request, self.template, panel, context)

            return form_sent(
                request,
                form,
                save=lambda data: self.create(
                    actor=signed_in_user(request), system=system, **self.changes(data)
                ),
                done=added,
                again=again,
            )

        return add

    def row_view(self) -> ConsoleView:
        """An item's row again ("Cancel" on its edit form); without htmx, the list."""

        @console_view("GET")
        def row(request: HttpRequest, system: System, pk: int) -> HttpResponse:
            context = self.item_context(system, self.get(system, pk))
            return row_alone(request, self.template, self.partial("row"), context, self.url(system))

        return row

    def edit_view(self) -> ConsoleView:
        """A row's edit form, in place of the row (on a page of its own without JavaScript);
        once saved, the row again with "Saved <item> <name>."."""

        @console_view("GET", "POST")
        def edit(request: HttpRequest, system: System, pk: int) -> HttpResponse:
            assert self.update is not None and self.edit_form is not None
            update = self.update
            item = self.get(system, pk)
            form = self.edit_form(posted(request), item)

            def save(data: dict[str, Any]) -> Any:
                version = data["version"] or None
                update(
                    signed_in_user(request), item, expected_version=version, **self.changes(data)
                )
                return self.get(system, item.pk)

            return self.form_in_place(
                request,
                system,
                form,
                save=save,
                message=lambda updated: f"Saved {self.item} {updated.name}.",
                heading=f"Edit {item.name}",
                context=self.item_context(system, item, form=form),
            )

        return edit

    def active_view(self) -> ConsoleView:
        """A row's deactivate (or reactivate) button."""

        @console_view("POST")
        def active(request: HttpRequest, system: System, pk: int) -> HttpResponse:
            assert self.update is not None
            update = self.update
            item = self.get(system, pk)
            is_active = posted_flag(request, "is_active")
            done = "Reactivated" if is_active else "Deactivated"

            def change() -> Any:
                update(signed_in_user(request), item, is_active=is_active)
                return self.get(system, item.pk)

            return row_action(
                request,
                act=change,
                list_url=self.url(system),
                message=lambda updated: f"{done} {self.item} {updated.name}.",
                done_reply=lambda updated, text: self.row(request, system, updated, text),
            )

        return active

    # Replies the list's other views share -------------------------------------------------

    def row(
        self, request: HttpRequest, system: System, item: Any, message: str = "", **extra: Any
    ) -> HttpResponse:
        """An item's row with the message, for htmx; `extra` notes on the row, e.g. an
        error."""
        context = self.item_context(system, item, **extra)
        return reply_with_partial(
            request, self.template, self.partial("row"), context, status_message=message
        )

    def form_in_place(
        self,
        request: HttpRequest,
        system: System,
        form: BaseForm,
        *,
        save: Callable[[dict[str, Any]], T],
        message: Callable[[T], str],
        heading: str,
        context: dict[str, Any],
        form_partial: str = "",
        wrapper: str = "table",
        saved_reply: Callable[[T, str], HttpResponse] | None = None,
    ) -> HttpResponse:
        """A form in place of what it changes (`form_partial`, by default `<item>-form`,
        with `context`, inside `wrapper` on a page of its own without JavaScript). `save` saves
        and returns what the list shows: by default its row comes back with the message."""

        def saved(updated: T) -> HttpResponse:
            text = message(updated)
            reply = saved_reply or (lambda item, note: self.row(request, system, item, note))
            return change_done(request, text, self.url(system), lambda: reply(updated, text))

        return form_sent(
            request,
            form,
            save=save,
            done=saved,
            again=lambda: inline_form(
                request,
                self.template,
                form_partial or self.partial("form"),
                context,
                back_url=self.url(system),
                heading=heading,
                wrapper=wrapper,
            ),
        )
