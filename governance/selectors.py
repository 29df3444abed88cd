"""Read-side queries for consultation rounds and place responses."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

from django.db.models import DateTimeField, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from governance.models import (
    AllowedCombination,
    ConsultationRound,
    DeadlineExtension,
    GovernanceOption,
    OptionFramework,
    PlaceResponse,
    Principle,
    SuggestedRating,
)
from partners.models import Place


def rounds_for_place(*, place: Place) -> QuerySet[ConsultationRound]:
    """The consultation rounds the place is invited to, newest first, each annotated with
    this place's response status (None when the place has not started one) and its own
    deadline (`place_deadline`: the round's closing time, or a later extension granted to
    the place). One query."""
    responses = PlaceResponse.objects.filter(round=OuterRef("pk"), place=place)
    extensions = DeadlineExtension.objects.filter(
        round=OuterRef("pk"), place=place, closes_at__gt=OuterRef("closes_at")
    )
    return ConsultationRound.objects.filter(
        system_id=place.system_id, invited_places=place
    ).annotate(
        response_status=Subquery(responses.values("status")[:1]),
        place_deadline=Coalesce(
            Subquery(extensions.values("closes_at")[:1]),
            F("closes_at"),
            output_field=DateTimeField(),
        ),
    )


# The framework catalogue ---------------------------------------------------------------------


@dataclass(frozen=True)
class FrameworkCatalogue:
    """A framework's options, principles, allowed combinations and suggested ratings: what
    every response page reads and nobody changes while a round runs."""

    options: tuple[GovernanceOption, ...]
    principles: tuple[Principle, ...]
    combinations: tuple[str, ...]
    suggested: dict[tuple[str, int], SuggestedRating]  # (option set, principle pk) →


def framework_catalogue(*, framework: OptionFramework) -> FrameworkCatalogue:
    """Read once per process and framework version: the framework's `updated_at` moves
    whenever any of its parts changes (governance.signals), so a cached copy is never stale
    for a request that has just read the framework row."""
    return _catalogue(framework.pk, framework.updated_at)


@functools.lru_cache(maxsize=32)
def _catalogue(framework_id: int, version: datetime) -> FrameworkCatalogue:
    return FrameworkCatalogue(
        options=tuple(GovernanceOption.objects.filter(framework_id=framework_id)),
        principles=tuple(Principle.objects.filter(framework_id=framework_id)),
        combinations=tuple(
            AllowedCombination.objects.filter(framework_id=framework_id).values_list(
                "key", flat=True
            )
        ),
        suggested={
            (s.option_set, s.principle_id): s
            for s in SuggestedRating.objects.filter(framework_id=framework_id)
        },
    )
