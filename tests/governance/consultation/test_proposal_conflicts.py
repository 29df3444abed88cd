"""Two people editing one place's proposal: whoever saves from a version that someone else
has already replaced is shown both versions, and nothing they had saved is overwritten."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from governance.catalogue.rules import option_set_label
from governance.consultation.models import PlaceResponse
from governance.consultation.response_saves import EditConflict
from tests.factories import make_response, make_round, save_proposal

pytestmark = pytest.mark.django_db

THEIR_CASE = "Theirs: one joint committee for the whole place."
YOUR_CASE = "Yours: each partner keeps its own board."


@pytest.fixture
def consultation(world):
    return make_round(system=world.system)


@pytest.fixture
def drafted(world, consultation):
    """A response whose proposal has already been saved once, so both people open a version
    that someone has written rather than the empty one."""
    response = make_response(round=consultation, place=world.place_a)
    return save_proposal(world.lead_a, response, [5], "A first draft.")


def stored_proposal(response):
    stored = PlaceResponse.objects.get(pk=response.pk)
    return stored.proposed_option_set, stored.proposal_case, stored.version


def test_a_stale_proposal_save_shows_both_versions_and_overwrites_nothing(world, drafted):
    """Both people open the same version; the lead saves first. The member's save from that
    version must not replace the lead's options and case: it is refused with both versions,
    so the member can choose which to keep."""
    opened_at = drafted.version
    save_proposal(world.lead_a, drafted, [1, 4], THEIR_CASE, from_version=opened_at)
    theirs = stored_proposal(drafted)

    with pytest.raises(EditConflict) as caught:
        save_proposal(world.member_a, drafted, [2, 3], YOUR_CASE, from_version=opened_at)

    shown = {f.label: (f.theirs, f.yours) for f in caught.value.fields}
    assert shown == {
        "Proposed options": (option_set_label("1+4"), option_set_label("2+3")),
        "The case for it": (THEIR_CASE, YOUR_CASE),
    }
    assert caught.value.by == world.lead_a
    assert caught.value.version == opened_at + 1
    assert stored_proposal(drafted) == theirs == ("1+4", THEIR_CASE, opened_at + 1)


def test_a_stale_save_of_only_the_case_is_refused_too(world, drafted):
    """Keeping the same options does not make an old version safe to save: the case the
    other person wrote would still be lost."""
    opened_at = drafted.version
    save_proposal(world.lead_a, drafted, [1, 4], THEIR_CASE)

    with pytest.raises(EditConflict) as caught:
        save_proposal(world.member_a, drafted, [1, 4], YOUR_CASE, from_version=opened_at)

    assert [(f.label, f.theirs, f.yours) for f in caught.value.fields] == [
        ("The case for it", THEIR_CASE, YOUR_CASE)
    ]
    assert stored_proposal(drafted) == ("1+4", THEIR_CASE, opened_at + 1)


class ConflictCard(HTMLParser):
    """What a person reads in a conflict: each "<field>: theirs|yours" heading and the text
    under it, and the version the form will send next."""

    def __init__(self) -> None:
        super().__init__()
        self.shown: dict[str, str] = {}
        self.version = ""
        self._tag = ""
        self._heading = ""
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "input" and found.get("name") == "proposal-version":
            self.version = found.get("value") or ""
        if tag in {"dt", "dd"}:
            self._tag, self._text = tag, []

    def handle_data(self, data: str) -> None:
        if self._tag:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag != self._tag:
            return
        text = " ".join("".join(self._text).split())
        if tag == "dt":
            self._heading = text
        else:
            self.shown[self._heading] = text
        self._tag = ""


def read_conflict(html: str) -> ConflictCard:
    card = ConflictCard()
    card.feed(html)
    return card


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_stale_proposal_autosave_shows_both_versions_and_keeps_theirs(
    world, consultation, drafted
):
    """What the member sees when their autosave arrives after the lead's: both versions of
    each field, under whose they are, and the lead's proposal still the saved one."""
    url = reverse("proposal:proposal", args=[world.place_a.pk, consultation.pk])
    lead, member = signed_in(world.lead_a), signed_in(world.member_a)
    # Both open the proposal, at the same version.
    opened = [
        read_conflict(person.get(url, HTTP_HX_REQUEST="true").content.decode()).version
        for person in (lead, member)
    ]
    assert opened[0] == opened[1] == str(drafted.version)

    saved = lead.post(
        url,
        {
            "proposal-options": ["1", "4"],
            "proposal-case": THEIR_CASE,
            "proposal-version": opened[0],
        },
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "Saved at" in saved
    reply = member.post(
        url,
        {"proposal-options": ["2", "3"], "proposal-case": YOUR_CASE, "proposal-version": opened[1]},
        HTTP_HX_REQUEST="true",
    )

    html = reply.content.decode()
    assert reply.status_code == 200
    assert "Your version has not been saved" in html and "Saved at" not in html
    assert world.lead_a.full_name in html
    their_heading = f"theirs ({world.lead_a})"
    assert read_conflict(html).shown == {
        f"Proposed options: {their_heading}": option_set_label("1+4"),
        "Proposed options: yours": option_set_label("2+3"),
        f"The case for it: {their_heading}": THEIR_CASE,
        "The case for it: yours": YOUR_CASE,
    }
    assert "Keep mine" in html and "Use theirs" in html
    # The form still holds the version it was opened at, so typing on cannot overwrite theirs.
    assert read_conflict(html).version == opened[1]
    assert stored_proposal(drafted) == ("1+4", THEIR_CASE, drafted.version + 1)
