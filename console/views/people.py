"""People and their roles (memberships): the list (search, filter by role), inviting someone,
adding, changing and ending a role, resending an invitation, deactivating a person and
resetting their two-factor sign-in, all in place."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django_htmx.http import reswap, retarget

from console.decorators import ConsoleView, console_view
from console.lists import EditableList, RowUrl
from console.replies import confirm_page, posted, row_action, row_alone
from core.htmx import reply_with_partial
from core.requests import signed_in_user
from partners import selectors, services
from partners.forms import MembershipAddForm, MembershipChangeForm, PersonInviteForm
from partners.models import Membership, MembershipOffer, Role, System, User


def _role_text(membership: Membership, preposition: str) -> str:
    """e.g. "place lead in Ashworth", or "ICB governance admin" for the whole system."""
    place = f" {preposition} {membership.place.name}" if membership.place else ""
    return f"{membership.get_role_display().lower()}{place}"


def _invited(membership: Membership | MembershipOffer) -> str:
    if isinstance(membership, MembershipOffer):
        # Someone with an account: nothing of theirs shows until they accept.
        return (
            f"Invited {membership.email}: they already have an account, so they will be added "
            "once they accept. Until then you see only their e-mail address."
        )
    person = membership.user
    if person.has_usable_password():
        return f"Added {person} as {membership.get_role_display().lower()}."
    return f"Invited {person}: an e-mail is on its way to {person.email}."


def _membership_urls(system: System) -> Callable[[Any], None]:
    """What puts a role's URLs on it (`membership.urls`)."""
    change, end = (
        RowUrl("console:membership_edit", system),
        RowUrl("console:membership_end", system),
    )

    def add_urls(membership: Any) -> None:
        membership.urls = {"change": change(membership.pk), "end": end(membership.pk)}

    return add_urls


def _person_urls(system: System) -> Callable[[Any], None]:
    """What puts a person's row's URLs on them (`person.urls`), and on their roles."""
    add_role = RowUrl("console:person_membership_add", system)
    resend_invitation = RowUrl("console:person_resend_invitation", system)
    two_factor_reset = RowUrl("console:person_two_factor_reset", system)
    deactivate = RowUrl("console:person_deactivate", system)
    membership_urls = _membership_urls(system)

    def add_urls(person: Any) -> None:
        pk = person.pk
        person.urls = {
            "add_role": add_role(pk),
            "resend_invitation": resend_invitation(pk),
            "two_factor_reset": two_factor_reset(pk),
            "deactivate": deactivate(pk),
        }
        for membership in person.system_memberships:
            membership_urls(membership)

    return add_urls


class PeopleList(EditableList):
    """The people of the system, and below them the roles offered to people with an account
    who have not answered yet (by e-mail address only)."""

    def context(self, request: HttpRequest, system: System, **extra: Any) -> dict[str, Any]:
        offers = list(selectors.console_offers_waiting(system=system))
        return super().context(request, system, offers_waiting=offers, **extra)


PEOPLE = PeopleList(
    template="console/people/list.html",
    url_name="console:people",
    rows=selectors.console_people,
    one=selectors.console_person,
    item="person",
    fields=("email", "full_name", "job_title", "role", "place", "organisation"),
    create=services.person_invite,
    add_form=lambda data, system: PersonInviteForm(data, system=system, prefix="invite"),
    add_panel="invite",
    choice_filter=("role", Role.choices),
    urls=_person_urls,
)
people = PEOPLE.page_view()
person_invite = PEOPLE.add_view(message=_invited, highlight=lambda membership: membership.user_id)
person_row = PEOPLE.row_view()


@console_view("GET", "POST")
def person_membership_add(request: HttpRequest, system: System, pk: int) -> HttpResponse:
    person = PEOPLE.get(system, pk)
    form = MembershipAddForm(request.POST or None, system=system, prefix=f"person-{person.pk}")

    def row_again(_: Membership, message: str) -> HttpResponse:
        # The form sits inside the person's row: the whole row comes back.
        response = PEOPLE.row(request, system, PEOPLE.get(system, person.pk), message)
        return reswap(retarget(response, f"#person-{person.pk}"), "outerHTML")

    return PEOPLE.form_in_place(
        request,
        system,
        form,
        save=lambda data: services.membership_create(
            actor=signed_in_user(request),
            user=person,
            system=system,
            role=data["role"],
            place=data["place"],
            organisation=data["organisation"],
        ),
        message=lambda membership: f"{person} is now {_role_text(membership, 'in')}.",
        heading=f"Add a role for {person}",
        context=PEOPLE.item_context(system, person, membership_form=form),
        form_partial="membership-add",
        wrapper="div",
        saved_reply=row_again,
    )


@dataclass(frozen=True)
class Confirmation:
    """What the page before an action that cannot be taken back says: the question, what
    will happen (sentences) and the warning button's words."""

    question: str
    consequences: list[str]
    button: str


def _person_action(
    change: Callable[..., object],
    done: Callable[[User], str],
    confirm: Callable[[User, System], Confirmation] | None = None,
    **row_note: Any,
) -> ConsoleView:
    """A button on a person's row: `change(actor=, system=, user=)` makes the change, then
    the answer is the row (HTMX; with `row_note`, e.g. that an invitation was sent) or the list
    and a message; a refusal shows on the row. With `confirm`, the row links to a page of its
    own (GET) that says what will happen, and its button posts the change."""

    @console_view("GET", "POST") if confirm else console_view("POST")
    def action(request: HttpRequest, system: System, pk: int) -> HttpResponse:
        person = PEOPLE.get(system, pk)
        if request.method == "GET" and confirm is not None:
            asked = confirm(person, system)
            return confirm_page(
                request,
                system,
                question=asked.question,
                consequences=asked.consequences,
                button=asked.button,
                cancel_url=PEOPLE.url(system),
                list_label="People",
            )

        def act() -> User:
            change(actor=signed_in_user(request), system=system, user=person)
            return PEOPLE.get(system, person.pk)

        return row_action(
            request,
            act=act,
            list_url=PEOPLE.url(system),
            refused_reply=lambda problem: PEOPLE.row(request, system, person, row_error=problem),
            message=lambda _: done(person),
            done_reply=lambda updated, message: PEOPLE.row(
                request, system, updated, message, **row_note
            ),
        )

    return action


person_resend_invitation = _person_action(
    services.person_invitation_resend,
    lambda person: f"Sent a new invitation to {person} ({person.email}).",
    invitation_sent=True,
)
person_deactivate = _person_action(
    services.person_deactivate_in_system,
    lambda person: f"Deactivated {person}: they can no longer sign in.",
    confirm=lambda person, system: Confirmation(
        question=f"Deactivate {person}?",
        consequences=[
            f"Every role {person} holds in {system.name} will end, and they will no longer "
            "be able to sign in.",
            "Their name stays on the records they took part in and in the audit trail.",
            "This cannot be undone here: to give them access again, invite them again.",
        ],
        button="Deactivate",
    ),
)
person_two_factor_reset = _person_action(
    services.person_two_factor_reset,
    lambda person: (
        f"Reset the two-factor sign-in of {person}: they set up a new "
        "authenticator app when they next sign in."
    ),
    confirm=lambda person, system: Confirmation(
        question=f"Reset the two-factor sign-in of {person}?",
        consequences=[
            "Do this only if they have lost their phone and their backup codes.",
            f"Their authenticator app and backup codes will stop working. When {person} "
            "next signs in, they set up a new authenticator app.",
        ],
        button="Reset two-factor sign-in",
    ),
)


# One role (membership) ------------------------------------------------------------------------


def _membership_context(system: System, membership: Membership, **extra: Any) -> dict[str, Any]:
    _membership_urls(system)(membership)
    return {"system": system, "membership": membership, "person": membership.user, **extra}


def _membership_reply(
    request: HttpRequest, system: System, membership: Membership, message: str = "", **extra: Any
) -> HttpResponse:
    context = _membership_context(system, membership, **extra)
    return reply_with_partial(
        request, PEOPLE.template, "membership", context, status_message=message
    )


@console_view("GET")
def membership_item(request: HttpRequest, system: System, pk: int) -> HttpResponse:
    membership = selectors.console_membership(system=system, pk=pk)
    context = _membership_context(system, membership)
    return row_alone(request, PEOPLE.template, "membership", context, PEOPLE.url(system))


@console_view("GET", "POST")
def membership_edit(request: HttpRequest, system: System, pk: int) -> HttpResponse:
    membership = selectors.console_membership(system=system, pk=pk)
    if not membership.is_current:
        raise Http404("This role has ended.")
    form = MembershipChangeForm(
        posted(request),
        membership=membership,
        prefix=f"membership-{membership.pk}",
        initial={"role": membership.role, "organisation": membership.organisation_id},
    )

    def save(data: dict[str, Any]) -> Membership:
        services.membership_update(
            actor=signed_in_user(request),
            membership=membership,
            role=data["role"],
            organisation=data["organisation"],
        )
        return selectors.console_membership(system=system, pk=membership.pk)

    return PEOPLE.form_in_place(
        request,
        system,
        form,
        save=save,
        message=lambda updated: f"{updated.user} is now {_role_text(updated, 'in')}.",
        heading=f"Change the role of {membership.user}",
        context=_membership_context(system, membership, membership_form=form),
        form_partial="membership-form",
        wrapper="list",
        saved_reply=lambda updated, message: _membership_reply(request, system, updated, message),
    )


@console_view("GET", "POST")
def membership_end(request: HttpRequest, system: System, pk: int) -> HttpResponse:
    """GET asks for confirmation on a page of its own; POST ends the role."""
    membership = selectors.console_membership(system=system, pk=pk)
    if request.method == "GET":
        if not membership.is_current:
            raise Http404("This role has ended.")
        role = _role_text(membership, "of")
        return confirm_page(
            request,
            system,
            question=f"Remove {membership.user} as {role}?",
            consequences=[
                f"{membership.user} will no longer hold this role, and loses what it lets "
                "them see and do.",
                "Their name stays on the records they took part in. Any other roles they "
                "hold are not changed.",
                "To give them the role again, add it as a new role.",
            ],
            button="Remove role",
            cancel_url=PEOPLE.url(system),
            list_label="People",
        )

    def act() -> Membership:
        ended = services.membership_end(actor=signed_in_user(request), membership=membership)
        return selectors.console_membership(system=system, pk=ended.pk)

    return row_action(
        request,
        act=act,
        list_url=PEOPLE.url(system),
        refused_reply=lambda problem: _membership_reply(
            request, system, membership, membership_error=problem
        ),
        message=lambda ended: f"Removed {ended.user} as {_role_text(ended, 'of')}.",
        done_reply=lambda ended, message: _membership_reply(request, system, ended, message),
    )
