"""Lines of a scheme of delegation for one neighbourhood of their place: the rules (a
neighbourhood is named with its own place, only while active; lines for two neighbourhoods
never meet, a line for the whole place covers each), the console's line form, the listings
and the spreadsheets."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from delegations import services, spreadsheets
from delegations.forms import LineForm
from delegations.models import DelegateRole, Delegation, MatterCategory, SchemeStatus
from partners.models import AuditEvent, Neighbourhood
from tests.conftest import World
from tests.delegations.conftest import Council
from tests.factories import (
    NeighbourhoodFactory,
    PlacePartnerFactory,
    UserFactory,
    scheme_workbook,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def award(world: World, council: Council) -> MatterCategory:
    return MatterCategory.objects.get(system=world.system, code="contract-award")


@pytest.fixture
def north(world: World) -> Neighbourhood:
    return NeighbourhoodFactory(place=world.place_a, name="Ashford North")


@pytest.fixture
def south(world: World) -> Neighbourhood:
    return NeighbourhoodFactory(place=world.place_a, name="Ashford South")


def add(council: Council, award: MatterCategory, **fields: Any) -> Delegation:
    fields.setdefault("delegate_committee", council.committee)
    return services.delegation_add(actor=None, scheme=council.scheme, matter=award, **fields)


def refusal(council: Council, award: MatterCategory, **fields: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        add(council, award, **fields)
    return refused.value.message_dict


def test_a_line_for_one_neighbourhood_names_its_place_and_is_audited(world, council, award, north):
    line = add(council, award, place=world.place_a, neighbourhood=north, limit_to=Decimal(1000))
    assert (line.place, line.neighbourhood) == (world.place_a, north)
    event = AuditEvent.objects.get(action="delegation.add")
    assert event.summary.endswith("(Only in Ashford North, Ashford)")


def test_a_neighbourhood_without_its_place_is_refused_saying_which_place(council, award, north):
    assert refusal(council, award, neighbourhood=north) == {
        "neighbourhood": [
            "Ashford North is a neighbourhood of Ashford: choose Ashford as the line's place "
            "too, or no neighbourhood for a line that applies everywhere."
        ]
    }


def test_a_neighbourhood_of_another_place_is_refused(world, council, award):
    PlacePartnerFactory(place=world.place_b, organisation=council.organisation)
    east = NeighbourhoodFactory(place=world.place_b, name="Brookfield East")
    problems = refusal(council, award, place=world.place_a, neighbourhood=east)
    assert problems["neighbourhood"] == [
        "Brookfield East is a neighbourhood of Brookfield, not Ashford. Choose one of Ashford's "
        "neighbourhoods, or none for the whole place."
    ]


def test_an_inactive_neighbourhood_is_refused(world, council, award, north):
    north.is_active = False
    north.save()
    problems = refusal(council, award, place=world.place_a, neighbourhood=north)
    assert "Ashford North is no longer active" in problems["neighbourhood"][0]


def test_lines_for_two_neighbourhoods_never_meet(world, council, award, north, south):
    add(council, award, place=world.place_a, neighbourhood=north)
    add(council, award, place=world.place_a, neighbourhood=south)
    assert council.scheme.delegations.count() == 2


def test_a_line_for_the_whole_place_covers_each_neighbourhood(world, council, award, north):
    add(council, award, place=world.place_a, limit_to=Decimal(1_000_000))
    problems = refusal(council, award, place=world.place_a, neighbourhood=north)
    assert "already covers" in problems["limit_from"][0]
    # A band above the place's is the neighbourhood's own.
    add(council, award, place=world.place_a, neighbourhood=north, limit_from=Decimal(1_000_000))


def test_a_new_version_copies_each_lines_neighbourhood(world, council, award, north):
    add(council, award, place=world.place_a, neighbourhood=north)
    council.scheme.status = SchemeStatus.IN_FORCE
    council.scheme.save()
    second = services.scheme_create(
        actor=None,
        organisation=council.organisation,
        effective_from=council.scheme.effective_from.replace(year=2030),
    )
    assert second.delegations.get().neighbourhood == north


def test_making_a_neighbourhood_inactive_keeps_its_lines(world, council, award, north):
    from partners.neighbourhoods import neighbourhood_deactivate

    line = add(council, award, place=world.place_a, neighbourhood=north)
    neighbourhood_deactivate(actor=None, neighbourhood=north)
    line.refresh_from_db()
    assert line.neighbourhood == north


# The console's line form ------------------------------------------------------------------


def line_url(world: World, council: Council) -> str:
    return reverse("console:line_add", args=[world.system.slug, council.scheme.pk])


def line_data(award: MatterCategory, council: Council, **fields: Any) -> dict[str, str]:
    data = {
        "matter": str(award.pk),
        "delegate_type": "committee",
        "delegate_committee": str(council.committee.pk),
        "limit_from": "0",
        "limit_to": "",
        "place": "",
        "neighbourhood": "",
        "conditions": "",
        "reference": "N1",
        **fields,
    }
    return {f"new-line-{name}": value for name, value in data.items()}


def test_the_form_offers_only_active_neighbourhoods_of_the_organisations_places(
    world, council, north
):
    NeighbourhoodFactory(place=world.place_a, name="Closed", is_active=False)
    NeighbourhoodFactory(place=world.place_b, name="Brookfield East")  # not a partner there
    client_form = LineForm(
        matters=[],
        committees=services.committees_for_organisation(council.organisation),
        roles=DelegateRole.objects.none(),
        places=services.places_for_organisation(council.organisation),
        neighbourhoods=services.neighbourhoods_for_organisation(council.organisation),
    )
    field = client_form.fields["neighbourhood"]
    assert list(field.queryset) == [north]  # type: ignore[attr-defined]
    assert field.label_from_instance(north) == "Ashford North (Ashford)"  # type: ignore[attr-defined]


def test_an_admin_adds_a_neighbourhood_line_and_sees_its_scope(
    client, world, council, award, north
):
    client.force_login(world.icb_admin)
    data = line_data(award, council, place=str(world.place_a.pk), neighbourhood=str(north.pk))
    response = client.post(line_url(world, council), data, follow=True)
    page = response.content.decode()
    assert "Only in Ashford North, Ashford" in page
    assert Delegation.objects.get().neighbourhood == north


def test_a_neighbourhood_without_its_place_is_shown_on_the_form(
    client, world, council, award, north
):
    client.force_login(world.icb_admin)
    response = client.post(
        line_url(world, council), line_data(award, council, neighbourhood=str(north.pk))
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "choose Ashford as the line&#x27;s place too" in page
    assert not Delegation.objects.exists()


def test_a_made_up_or_inactive_neighbourhood_is_not_a_choice(client, world, council, award, north):
    north.is_active = False
    north.save()
    client.force_login(world.icb_admin)
    for value in (str(north.pk), "999999", "<script>"):
        response = client.post(
            line_url(world, council),
            line_data(award, council, place=str(world.place_a.pk), neighbourhood=value),
        )
        assert "Choose an active neighbourhood" in response.content.decode()
    assert not Delegation.objects.exists()


def test_the_places_page_says_where_a_line_applies(client, world, council, award, north):
    add(council, award, place=world.place_a, neighbourhood=north, reference="N1")
    council.scheme.status = SchemeStatus.IN_FORCE
    council.scheme.save()
    client.force_login(world.member_a)
    page = client.get(reverse("delegations_place:delegations", args=[world.place_a.pk]))
    assert "Only in Ashford North, Ashford" in page.content.decode()


# Spreadsheets -----------------------------------------------------------------------------


def row(*, place: str = "Ashford", neighbourhood: str | None = None, reference: str = "1") -> list:
    cells = [
        reference,
        "contract-award",
        "",
        "committee",
        "Ashford Joint Committee",
        place,
        0,
        "",
        "",
    ]
    return cells if neighbourhood is None else [*cells, neighbourhood]


def do_import(council: Council, *rows: list) -> spreadsheets.ImportResult:
    return spreadsheets.scheme_import_xlsx(
        actor=UserFactory(), scheme=council.scheme, file=scheme_workbook(*rows)
    )


def test_a_row_names_a_neighbourhood_and_the_export_gives_it_back(world, council, north):
    result = do_import(council, row(neighbourhood="ashford north"))
    assert result.ok, result.messages
    assert Delegation.objects.get().neighbourhood == north
    sheet = load_workbook(io.BytesIO(spreadsheets.scheme_export_xlsx(council.scheme)))["Lines"]
    values = {str(h.value): c.value for h, c in zip(sheet[1], sheet[2], strict=True)}
    assert values["Neighbourhood"] == "Ashford North" and values["Place"] == "Ashford"


@pytest.mark.parametrize(
    ("place", "neighbourhood", "message"),
    [
        ("", "Ashford North", "choose Ashford as the line's place too"),
        ("Ashford", "Nowhere", "Ashford has no neighbourhood called Nowhere"),
        ("", "Nowhere", "there is no neighbourhood called Nowhere"),
    ],
)
def test_a_wrong_neighbourhood_is_named_with_its_row(council, north, place, neighbourhood, message):
    result = do_import(council, row(), row(place=place, neighbourhood=neighbourhood, reference="2"))
    assert not result.ok and not Delegation.objects.exists()
    error = result.errors[0]
    assert (error.row, error.column) == (3, "Neighbourhood")
    assert message in error.message


def test_a_file_without_the_neighbourhood_column_still_imports(council):
    assert do_import(council, row()).ok
    assert Delegation.objects.get().neighbourhood is None


def test_two_rows_for_two_neighbourhoods_import_together(world, council, north, south):
    result = do_import(
        council,
        row(neighbourhood="Ashford North", reference="1"),
        row(neighbourhood="Ashford South", reference="2"),
    )
    assert result.ok, result.messages
    assert {line.neighbourhood for line in Delegation.objects.all()} == {north, south}
