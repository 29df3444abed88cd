"""Read-side queries for consultation rounds and place responses."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery

from governance.models import ConsultationRound, PlaceResponse
from partners.models import Place


def rounds_for_place(*, place: Place) -> QuerySet[ConsultationRound]:
    """The system's consultation rounds, newest first, each annotated with this place's
    response status (None when the place has not started one). One query."""
    responses = PlaceResponse.objects.filter(round=OuterRef("pk"), place=place)
    return ConsultationRound.objects.filter(system_id=place.system_id).annotate(
        response_status=Subquery(responses.values("status")[:1])
    )
