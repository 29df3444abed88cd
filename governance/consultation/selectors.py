"""Read-side queries for consultation rounds and place responses."""

from __future__ import annotations

from django.db.models import DateTimeField, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from governance.consultation.models import ConsultationRound, DeadlineExtension, PlaceResponse
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
