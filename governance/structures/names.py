"""Committee names, for the names that could identify a place (partners.names): a committee is
usually named after its place or its partners ("Ashworth Health and Care Partnership Board").
Registered when Django starts (governance.apps)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from partners import names

if TYPE_CHECKING:
    from partners.models import System


def committee_names(system: System) -> Iterable[tuple[str, str]]:
    """Every committee of the system's places, active or not, as an organisation's name."""
    from governance.structures.models import Committee

    committees = (
        Committee.objects.filter(place__system=system)
        .order_by()
        .values_list("name", flat=True)
        .distinct()
    )
    return [(name, names.ORGANISATION) for name in committees]
