"""E-mails about consultation rounds to place leads and ICB governance admins, and about
released feedback summaries to their readers. Rendering and
sending live here; tasks only call these. Links are built from settings.SITE_URL (a task has no
request).

A task may run well after it was queued (it was kept while the broker was down, see
core.outbox), so each checks that what it announces is still true when it runs."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core.uk_time import uk_datetime
from governance.consultation.models import (
    ConsultationRound,
    FeedbackSummary,
    PlaceResponse,
    ReminderSent,
    ResponseStatus,
    RoundStatus,
    SummaryPart,
)
from governance.consultation.responses import response_deadline, response_missing_items
from partners.models import AUDIENCE_ROLES, Membership, Place, Role, User
from partners.selectors import current_place_leads

MISSING_ITEMS_LISTED = 10


def response_link(*, round: ConsultationRound, place: Place) -> str:
    return settings.SITE_URL + reverse(
        "proposal:response", kwargs={"place_pk": place.pk, "round_pk": round.pk}
    )


def progress_link(*, round: ConsultationRound) -> str:
    """The round's page in the admin console, at its progress board."""
    return (
        settings.SITE_URL
        + reverse("console:round", kwargs={"system_slug": round.system.slug, "pk": round.pk})
        + "#progress"
    )


def current_icb_admins(system_id: int) -> list[User]:
    """The active people who are ICB governance admins of the system now."""
    admin_ids = Membership.objects.current().filter(
        system_id=system_id, place__isnull=True, role=Role.ICB_ADMIN
    )
    return list(
        User.objects.filter(is_active=True, pk__in=admin_ids.values("user_id")).order_by(
            "full_name", "pk"
        )
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
    link to their place's response; nothing once the round has closed. Returns how many
    e-mails went out."""
    consultation = ConsultationRound.objects.select_related("system").filter(pk=round_id).first()
    if consultation is None or consultation.status == RoundStatus.CLOSED:
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
    has submitted meanwhile or the deadline has passed. Returns how many e-mails went out."""
    reminder = (
        ReminderSent.objects.select_related("round__system", "round__framework", "place")
        .filter(pk=reminder_id)
        .first()
    )
    if reminder is None or reminder.deadline <= timezone.now():
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


def response_submitted_emails_send(*, response_id: int, submitted_at: str) -> int:
    """Tell the system's current ICB governance admins (with a link to the round's progress
    board) and the place's current leads (with a link to the response) that the place has
    submitted. `submitted_at` names the submission: nothing is sent once the response has been
    withdrawn or submitted again, which has its own e-mail. Returns how many e-mails went
    out."""
    response = (
        PlaceResponse.objects.select_related("round__system", "place", "submitted_by")
        .filter(pk=response_id)
        .first()
    )
    if (
        response is None
        or response.status != ResponseStatus.SUBMITTED
        or response.submitted_at != datetime.fromisoformat(submitted_at)
    ):
        return 0
    consultation, place = response.round, response.place
    subject = f"{place.name} has submitted its response to {consultation.title}"
    context: dict[str, object] = {
        "round": consultation,
        "place": place,
        "submitted_by": response.submitted_by,
        "submitted": uk_datetime(response.submitted_at),
    }
    admins = current_icb_admins(consultation.system_id)
    admin_context: dict[str, object] = {
        **context,
        "as_admin": True,
        "link": progress_link(round=consultation),
    }
    messages = [
        _message(subject, "emails/response_submitted", admin_context, admin) for admin in admins
    ]
    lead_context: dict[str, object] = {
        **context,
        "as_admin": False,
        "link": response_link(round=consultation, place=place),
        "deadline": uk_datetime(response_deadline(round=consultation, place=place)),
    }
    told = {admin.pk for admin in admins}  # someone who is both hears once, as an admin
    messages += [
        _message(subject, "emails/response_submitted", lead_context, lead)
        for lead in current_place_leads([place.pk]).get(place.pk, [])
        if lead.pk not in told
    ]
    return _send(messages)


def summary_released_emails_send(*, summary_id: int, part: str, released_at: str) -> int:
    """Tell the current members of the audiences of `part` of a feedback summary that it has
    been released, with the link to read it. `released_at` names the release: nothing is sent
    once that part has been withdrawn (or withdrawn and released again, which has its own
    e-mail). Returns how many e-mails went out."""
    summary = FeedbackSummary.objects.select_related("round__system").filter(pk=summary_id).first()
    if summary is None or summary.released_at_of(part) != datetime.fromisoformat(released_at):
        return 0
    consultation = summary.round
    roles = [AUDIENCE_ROLES[a] for a in consultation.audiences_of(part) if a in AUDIENCE_ROLES]
    readers = User.objects.filter(
        is_active=True,
        pk__in=Membership.objects.current()
        .filter(system_id=consultation.system_id, place__isnull=True, role__in=roles)
        .values("user_id"),
    ).order_by("full_name", "pk")
    part_label = str(SummaryPart(part).label)
    context: dict[str, object] = {
        "round": consultation,
        "part": part_label.lower(),
        "link": settings.SITE_URL
        + reverse(
            "feedback:summary",
            kwargs={"system_slug": consultation.system.slug, "round_pk": consultation.pk},
        ),
    }
    subject = f"{part_label} of {consultation.title} is ready to read"
    return _send([_message(subject, "emails/summary_released", context, u) for u in readers])
