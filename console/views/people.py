"""People and their roles (memberships): the list (search, filter by role), inviting someone,
adding, changing and ending a role, resending an invitation, deactivating a person and
resetting their two-factor sign-in, all in place."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django_htmx.http import reswap, retarget

from console.decorators import console_view
from console.lists import list_context
from console.replies import added_to_list, inline_form, page_or_partial, row_action, row_alone
from core.forms import add_service_errors
from core.htmx import change_done, reply_with_partial
from core.requests import signed_in_user
from partners import selectors, services, two_factor
from partners.forms import MembershipAddForm, MembershipChangeForm, PersonInviteForm
from partners.models import Membership, Role, System, User

PEOPLE = "console/people/list.html"


def _people_url(system: System) -> str:
    return reverse("console:people", args=[system.slug])


def _people_context(request: HttpRequest, system: System, **extra: Any) -> dict[str, Any]:
    return list_context(
        request,
        system,
        url_name="console:people",
        rows=selectors.console_people,
        choice_filter=("role", Role.choices),
        **extra,
    )


def _row(system: System, person: User, **extra: Any) -> dict[str, Any]:
    return {"system": system, "person": person, **extra}


def _row_reply(
    request: HttpRequest, system: System, person: User, message: str = "", **extra: Any
) -> HttpResponse:
    context = _row(system, person, **extra)
    return reply_with_partial(request, PEOPLE, "person-row", context, status_message=message)


def _role_text(membership: Membership, preposition: str) -> str:
    """e.g. "place lead in Ashworth", or "ICB governance admin" for the whole system."""
    place = f" {preposition} {membership.place.name}" if membership.place else ""
    return f"{membership.get_role_display().lower()}{place}"


@console_view("GET")
def people(request: HttpRequest, system: System) -> HttpResponse:
    return page_or_partial(request, PEOPLE, "person-results", _people_context(request, system))


@console_view("GET", "POST")
def person_invite(request: HttpRequest, system: System) -> HttpResponse:
    if request.GET.get("cancel"):
        return page_or_partial(request, PEOPLE, "person-invite", _people_context(request, system))
    form = PersonInviteForm(request.POST or None, system=system, prefix="invite")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = services.person_invite(
                actor=signed_in_user(request),
                system=system,
                email=data["email"],
                full_name=data["full_name"],
                job_title=data["job_title"],
                role=data["role"],
                place=data["place"],
                organisation=data["organisation"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            person = membership.user
            if person.has_usable_password():
                message = f"Added {person} as {membership.get_role_display().lower()}."
            else:
                message = f"Invited {person}: an e-mail is on its way to {person.email}."
            return added_to_list(
                request,
                template=PEOPLE,
                panel="person-invite",
                results="person-results",
                results_context=lambda: _people_context(request, system, highlight=person.pk),
                system=system,
                message=message,
                list_url=_people_url(system),
            )
    context = _people_context(request, system, add_form=form)
    return page_or_partial(request, PEOPLE, "person-invite", context)


@console_view("GET")
def person_row(request: HttpRequest, system: System, pk: int) -> HttpResponse:
    person = selectors.console_person(system=system, pk=pk)
    return row_alone(request, PEOPLE, "person-row", _row(system, person), _people_url(system))


@console_view("GET", "POST")
def person_membership_add(request: HttpRequest, system: System, pk: int) -> HttpResponse:
    person = selectors.console_person(system=system, pk=pk)
    form = MembershipAddForm(request.POST or None, system=system, prefix=f"person-{person.pk}")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = services.membership_create(
                actor=signed_in_user(request),
                user=person,
                system=system,
                role=data["role"],
                place=data["place"],
                organisation=data["organisation"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            message = f"{person} is now {_role_text(membership, 'in')}."

            def reply() -> HttpResponse:
                # The form sits inside the person's row: the whole row comes back.
                updated = selectors.console_person(system=system, pk=person.pk)
                response = _row_reply(request, system, updated, message)
                return reswap(retarget(response, f"#person-{person.pk}"), "outerHTML")

            return change_done(request, message, _people_url(system), reply)
    return inline_form(
        request,
        PEOPLE,
        "membership-add",
        {**_row(system, person), "membership_form": form},
        back_url=_people_url(system),
        heading=f"Add a role for {person}",
        wrapper="div",
    )


def _person_action(
    request: HttpRequest,
    system: System,
    pk: int,
    change: Callable[[User], object],
    done: Callable[[User], str],
    **row_note: Any,
) -> HttpResponse:
    """A button on a person's row: make the change, then answer with the row (HTMX; with
    `row_note`, e.g. that an invitation was sent) or the list and a message; a refusal shows
    on the row."""
    person = selectors.console_person(system=system, pk=pk)

    def act() -> User:
        change(person)
        return selectors.console_person(system=system, pk=person.pk)

    return row_action(
        request,
        act=act,
        list_url=_people_url(system),
        refused_reply=lambda problem: _row_reply(request, system, person, row_error=problem),
        message=lambda _: done(person),
        done_reply=lambda updated, message: _row_reply(
            request, system, updated, message, **row_note
        ),
    )


@console_view("POST")
def person_resend_invitation(request: HttpRequest, system: System, pk: int) -> HttpResponse:
    return _person_action(
        request,
        system,
        pk,
        lambda person: services.person_invitation_resend(
            actor=signed_in_user(request), system=system, user=person
        ),
        lambda person: f"Sent a new invitation to {person} ({person.email}).",
        invitation_sent=True,
    )


@console_view("POST")
def person_deactivate(request: HttpRequest, system: System, pk: int) -> HttpResponse:
    return _person_action(
        request,
        system,
        pk,
        lambda person: services.person_deactivate_in_system(
            actor=signed_in_user(request), system=system, user=person
        ),
        lambda person: f"Deactivated {person}: they can no longer sign in.",
    )


@console_view("POST")
def person_two_factor_reset(request: HttpRequest, system: System, pk: int) -> HttpResponse:
    return _person_action(
        request,
        system,
        pk,
        lambda person: two_factor.two_factor_reset(
            actor=signed_in_user(request), system=system, user=person
        ),
        lambda person: (
            f"Reset the two-factor sign-in of {person}: they set up a new "
            "authenticator app when they next sign in."
        ),
    )


# One role (membership) ------------------------------------------------------------------------


def _membership_context(system: System, membership: Membership, **extra: Any) -> dict[str, Any]:
    return {"system": system, "membership": membership, "person": membership.user, **extra}


def _membership_reply(
    request: HttpRequest, system: System, membership: Membership, message: str = "", **extra: Any
) -> HttpResponse:
    context = _membership_context(system, membership, **extra)
    return reply_with_partial(request, PEOPLE, "membership", context, status_message=message)


@console_view("GET")
def membership_item(request: HttpRequest, system: System, pk: int) -> HttpResponse:
    membership = selectors.console_membership(system=system, pk=pk)
    context = _membership_context(system, membership)
    return row_alone(request, PEOPLE, "membership", context, _people_url(system))


@console_view("GET", "POST")
def membership_edit(request: HttpRequest, system: System, pk: int) -> HttpResponse:
    membership = selectors.console_membership(system=system, pk=pk)
    if not membership.is_current:
        raise Http404("This role has ended.")
    prefix = f"membership-{membership.pk}"
    if request.method == "POST":
        form = MembershipChangeForm(request.POST, membership=membership, prefix=prefix)
        if form.is_valid():
            try:
                services.membership_update(
                    actor=signed_in_user(request),
                    membership=membership,
                    role=form.cleaned_data["role"],
                    organisation=form.cleaned_data["organisation"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                updated = selectors.console_membership(system=system, pk=membership.pk)
                message = f"{updated.user} is now {_role_text(updated, 'in')}."
                return change_done(
                    request,
                    message,
                    _people_url(system),
                    lambda: _membership_reply(request, system, updated, message),
                )
    else:
        form = MembershipChangeForm(
            membership=membership,
            prefix=prefix,
            initial={"role": membership.role, "organisation": membership.organisation_id},
        )
    return inline_form(
        request,
        PEOPLE,
        "membership-form",
        {**_membership_context(system, membership), "membership_form": form},
        back_url=_people_url(system),
        heading=f"Change the role of {membership.user}",
        wrapper="list",
    )


@console_view("POST")
def membership_end(request: HttpRequest, system: System, pk: int) -> HttpResponse:
    membership = selectors.console_membership(system=system, pk=pk)

    def act() -> Membership:
        ended = services.membership_end(actor=signed_in_user(request), membership=membership)
        return selectors.console_membership(system=system, pk=ended.pk)

    return row_action(
        request,
        act=act,
        list_url=_people_url(system),
        refused_reply=lambda problem: _membership_reply(
            request, system, membership, membership_error=problem
        ),
        message=lambda ended: f"Removed {ended.user} as {_role_text(ended, 'of')}.",
        done_reply=lambda ended, message: _membership_reply(request, system, ended, message),
    )
