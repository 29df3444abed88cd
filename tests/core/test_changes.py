"""core/changes.py: every service applies a form's changes the same way."""

from __future__ import annotations

import pytest

from delegations import matters
from governance.structures import committees
from governance.structures.models import Committee, CommitteeKind
from partners.models import AuditEvent
from tests.conftest import World
from tests.factories import MatterCategoryFactory

pytestmark = pytest.mark.django_db


def test_a_field_a_service_does_not_take_is_refused_and_nothing_is_saved(world: World) -> None:
    with pytest.raises(TypeError, match=r"committee_create cannot set \['owner'\]"):
        committees.committee_create(
            actor=world.icb_admin,
            place=world.place_a,
            name="Ashford Partnership Board",
            kind=CommitteeKind.PARTNERSHIP_BOARD,
            owner="someone",
        )
    assert not Committee.objects.exists()


def test_a_change_is_audited_with_the_values_it_replaced_as_text(world: World) -> None:
    matter = MatterCategoryFactory(system=world.system, name="Estates", code="estates")
    matters.matter_update(actor=world.icb_admin, matter=matter, name="  Estates and premises ")
    matter.refresh_from_db()
    assert matter.name == "Estates and premises"
    row = AuditEvent.objects.get(action="matter.update")
    assert row.details == {"before": {"name": "Estates"}}
