"""E-mails about consultation rounds to place leads. Rendering and sending live here; tasks
only call these. Links are built from settings.SITE_URL (a task has no request)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from governance.models import ConsultationRound, PlaceResponse, ReminderSent, ResponseStatus
from governance.rounds import current_place_leads
from governance.services import response_missing_items, uk_datetime
from partners.models import Place, User

MISSING_ITEMS_LISTED = 10


def response_link(*, round: ConsultationRound, place: Place) -> str:
    return settings.SITE_URL + reverse(
        "proposal:response", kwargs={"place_pk": place.pk, "round_pk": round.pk}
    )


def time_left(deadline: datetime, now: datetime | None = None) -> str:
    """ "3 days left", "1 day left", "less than a day left"."""
    days = (deadline - (now or timezone.now())).days
    if days < 1:
        return "less than a day left"
    return f"{days} day{'s' if days != 1 else ''} left"


def _message(
    subject: str, template: str, context: dict[str, object], to: User
) -> EmailMultiAlternatives:
    context = {**context, "user": to}
    message = EmailMultiAlternatives(
        subject=subject, body=render_to_string(f"{template}.txt", context), to=[to.email]
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message


def _send(messages: list[EmailMultiAlternatives]) -> int:
    if not messages:
        return 0
    return get_connection().send_messages(messages) or 0


def round_open_emails_send(*, round_id: int) -> int:
    """Tell the current leads of every invited place that the round is open, each with the
    link to their place's response. Returns how many e-mails went out."""
    consultation = ConsultationRound.objects.select_related("system").filter(pk=round_id).first()
    if consultation is None:
        return 0
    places = list(consultation.invited_places.order_by("name"))
    leads = current_place_leads(place.pk for place in places)
    milestones = list(consultation.milestones.all())
    messages = []
    for place in places:
        context = {
            "round": consultation,
            "place": place,
            "closes": uk_datetime(consultation.closes_at),
            "milestones": milestones,
            "link": response_link(round=consultation, place=place),
        }
        for lead in leads.get(place.pk, []):
            messages.append(
                _message(
                    f"{consultation.title} is open for {place.name}'s response",
                    "emails/round_open",
                    context,
                    lead,
                )
            )
    return _send(messages)


def round_reminder_email_send(*, reminder_id: int) -> int:
    """Remind a place's current leads of its deadline and what is still missing, unless it
    has submitted meanwhile. Returns how many e-mails went out."""
    reminder = (
        ReminderSent.objects.select_related("round__system", "round__framework", "place")
        .filter(pk=reminder_id)
        .first()
    )
    if reminder is None:
        return 0
    consultation, place = reminder.round, reminder.place
    response = PlaceResponse.objects.filter(round=consultation, place=place).first()
    if response is not None and response.status == ResponseStatus.SUBMITTED:
        return 0
    missing = response_missing_items(response=response) if response is not None else []
    left = time_left(reminder.deadline)
    context = {
        "round": consultation,
        "place": place,
        "deadline": uk_datetime(reminder.deadline),
        "extended": reminder.deadline > consultation.closes_at,
        "time_left": left,
        "started": response is not None,
        "withdrawn": response is not None and response.status == ResponseStatus.WITHDRAWN,
        "missing": missing[:MISSING_ITEMS_LISTED],
        "more_missing": max(0, len(missing) - MISSING_ITEMS_LISTED),
        "missing_count": len(missing),
        "link": response_link(round=consultation, place=place),
    }
    messages = [
        _message(
            f"{left[0].upper()}{left[1:]}: {place.name}'s response to {consultation.title}",
            "emails/round_reminder",
            context,
            lead,
        )
        for lead in current_place_leads([place.pk]).get(place.pk, [])
    ]
    return _send(messages)
