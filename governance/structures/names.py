"""Committee names, for the names that could identify a place (partners.names): a committee is
usually named after its place or its partners ("Ashworth Health and Care Partnership Board").
Registered when Django starts (governance.apps)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from partners import names

if TYPE_CHECKING:
    from partners.models import System


# Words every place's bodies share. A committee named only with these ("Finance Committee",
# "Quality and Performance Sub-Committee") identifies no place, and scrubbing it would only
# damage the text; one with any other word ("Kingsmead Forum") is a name.
GENERIC_COMMITTEE_WORDS = frozenset(
    [
        "a",
        "and",
        "board",
        "care",
        "committee",
        "community",
        "delivery",
        "executive",
        "finance",
        "for",
        "group",
        "health",
        "integrated",
        "joint",
        "oversight",
        "of",
        "partnership",
        "performance",
        "place",
        "planning",
        "population",
        "primary",
        "programme",
        "quality",
        "resources",
        "risk",
        "safety",
        "services",
        "sub",
        "the",
        "transformation",
        "workforce",
    ]
)


def is_identifying_committee_name(name: str) -> bool:
    """Whether a committee's name says anything about which place's it is."""
    words = re.findall(r"[^\W_]+", name.casefold())
    return any(word not in GENERIC_COMMITTEE_WORDS for word in words)


def committee_names(system: System) -> Iterable[tuple[str, str]]:
    """Every committee of the system's places, active or not, whose name is more than
    governance words, as an organisation's name."""
    from governance.structures.models import Committee

    committees = (
        Committee.objects.filter(place__system=system)
        .order_by()
        .values_list("name", flat=True)
        .distinct()
    )
    return [
        (name, names.ORGANISATION) for name in committees if is_identifying_committee_name(name)
    ]
