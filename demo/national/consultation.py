"""The national data set's consultation rounds: one open round per system, to which every
place has submitted a full response written by a few of its members, with the history the
response page shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.management.base import CommandError
from django.db.models import F, OuterRef, Subquery

from demo.build.rows import bulk_insert
from demo.national.texts import (
    ANSWER_OPENERS,
    BAND_WORDS,
    BANDS,
    CASE_SENTENCES,
    CHOICE_REASONS,
    CLAUSES,
    EXTENSION_REASONS,
    FRAMEWORK_SLUG,
    MILESTONES,
    MISSING,
    PROPOSAL_WEIGHTS,
    QUALIFIERS,
    REASONS,
    ROUND_PURPOSE,
    ROUND_TITLE,
)
from demo.national.world import World
from governance.catalogue.models import (
    AllowedCombination,
    GovernanceOption,
    OptionFramework,
    Principle,
    SuggestedRating,
)
from governance.catalogue.rules import FrameworkRules, allowed_option_sets, option_set_numbers
from governance.catalogue.selectors import RatingContext, framework_catalogue
from governance.consultation.models import (
    Agreement,
    Answer,
    ConsultationRound,
    DeadlineExtension,
    PlaceRating,
    PlaceResponse,
    Question,
    ResponseStatus,
)
from governance.consultation.round_setup import round_create
from partners.models import AuditEvent, Role, Sector, User


@dataclass
class _Authors:
    """Who writes a place's response: its current, active members and leads; and who may
    submit it: its leads."""

    writers: list[User] = field(default_factory=list)
    leads: list[User] = field(default_factory=list)


@dataclass
class _Plan:
    """A response before it is saved, and what its answers and ratings are written from."""

    response: PlaceResponse
    team: list[User]  # the members who write it
    proposer: User  # who saved the proposal
    lead: User  # who submitted it
    started: datetime
    words: dict[str, str]  # the names its sentences use


def _authors_by_place(world: World) -> dict[int, _Authors]:
    found: dict[int, _Authors] = {}
    for membership in world.memberships:
        user = membership.user
        if membership.place_id is None or membership.ended_at is not None or not user.is_active:
            continue
        authors = found.setdefault(membership.place_id, _Authors())
        authors.writers.append(user)
        if membership.role == Role.PLACE_LEAD:
            authors.leads.append(user)
    return found


def _history(instance: Any, *, at: datetime, user: User, kind: str, **then: Any) -> Any:
    """The history record django-simple-history writes when `instance` is saved, dated in
    the past; `then` holds the values that differed at that moment."""
    model = type(instance)
    values = {f.attname: getattr(instance, f.attname) for f in model._meta.concrete_fields}
    reason = then.pop("history_change_reason", None)
    values.update(then)
    return model.history.model(
        **values,
        history_date=at,
        history_user_id=user.pk,
        history_type=kind,
        history_change_reason=reason,
    )


def _options_in_words(key: str) -> str:
    numbers = [str(n) for n in option_set_numbers(key)]
    if len(numbers) == 1:
        return f"option {numbers[0]}"
    return f"options {', '.join(numbers[:-1])} and {numbers[-1]}"


def _between(world: World, start: datetime, end: datetime) -> datetime:
    seconds = max(int((end - start).total_seconds()), 1)
    return start + timedelta(seconds=world.rng.randrange(seconds))


def _sentences(world: World, count: int, words: dict[str, str]) -> list[str]:
    return [s.format(**words) for s in world.rng.sample(CASE_SENTENCES, count)]


@dataclass
class _Setting:
    """The framework every round consults on, what it allows, and the rounds themselves."""

    options: list[GovernanceOption]
    principles: list[Principle]
    option_sets: list[str]  # the sets a place may propose
    weights: list[int]  # how often each is proposed
    # The framework's band of an option against a principle in an option set (the option
    # alone, or in a combination), by (option pk, option set, principle pk).
    suggested: dict[tuple[int, str, int], str]
    contexts: list[RatingContext]  # the options in combinations the framework rates
    authors_of: dict[int, _Authors]
    hour: datetime  # the hour the data set was made in
    opens_at: datetime
    closes_at: datetime
    round_of: dict[int, ConsultationRound] = field(default_factory=dict)  # by system
    questions_of: dict[int, list[Question]] = field(default_factory=dict)  # by round


def _setting(world: World) -> _Setting:
    framework = OptionFramework.objects.filter(slug=FRAMEWORK_SLUG).first()
    if framework is None:
        raise CommandError(
            f"The option framework {FRAMEWORK_SLUG!r} is not loaded: run `manage.py migrate`."
        )
    options = list(GovernanceOption.objects.filter(framework=framework).order_by("number"))
    principles = list(Principle.objects.filter(framework=framework).order_by("number"))
    rules = FrameworkRules.from_rows(
        [(o.number, o.short_name, o.stands_alone) for o in options],
        AllowedCombination.objects.filter(framework=framework).values_list("key", flat=True),
    )
    option_sets = allowed_option_sets(rules)
    admins_of: dict[int, list[User]] = {}
    for membership in world.memberships:
        if membership.role == Role.ICB_ADMIN and membership.ended_at is None:
            admins_of.setdefault(membership.system_id, []).append(membership.user)

    # The rounds: opened three weeks ago, closing in ten days.
    hour = world.now.replace(minute=0, second=0, microsecond=0)
    s = _Setting(
        options=options,
        principles=principles,
        option_sets=option_sets,
        weights=[PROPOSAL_WEIGHTS.get(key, 1) for key in option_sets],
        suggested={
            (rating.option_id, rating.option_set, rating.principle_id): rating.band
            for rating in SuggestedRating.objects.filter(framework=framework)
        },
        contexts=list(framework_catalogue(framework=framework).contexts),
        authors_of=_authors_by_place(world),
        hour=hour,
        opens_at=hour - timedelta(days=21),
        closes_at=hour + timedelta(days=10),
    )
    close_day = s.closes_at.date()
    milestones = [
        {"title": title, "description": description, "due_on": close_day + timedelta(days=days)}
        for title, description, days in MILESTONES
    ]
    for system in world.systems:
        # Through the one service that sets up rounds; a data load announces nothing.
        s.round_of[system.pk] = round_create(
            actor=next(iter(admins_of.get(system.pk, [])), None),
            system=system,
            framework=framework,
            title=ROUND_TITLE,
            purpose=ROUND_PURPOSE,
            opens_at=s.opens_at,
            closes_at=s.closes_at,
            milestones=milestones,
            announce=False,
        )
    for question in Question.objects.filter(round__in=s.round_of.values()).order_by("order"):
        s.questions_of.setdefault(question.round_id, []).append(question)
    return s


def _plan_responses(world: World, s: _Setting) -> tuple[list[_Plan], list[DeadlineExtension]]:
    """Every place's response, submitted by one of its leads: begun in the round's first
    days, submitted since; a few places were given more time."""
    rng = world.rng
    plans: list[_Plan] = []
    extensions: list[DeadlineExtension] = []
    places = [place for place in world.places if place.is_active]
    for place in places:
        consultation = s.round_of[place.system_id]
        authors = s.authors_of.get(place.pk) or _Authors()
        if not authors.leads:
            raise CommandError(f"{place.name} has no active place lead to submit its response.")
        lead = rng.choice(authors.leads)
        team = rng.sample(authors.writers, min(len(authors.writers), rng.randint(2, 4)))
        started = s.opens_at + timedelta(minutes=rng.randint(60, 5 * 24 * 60))
        submitted = _between(world, started + timedelta(days=3), s.hour - timedelta(hours=1))
        key = rng.choices(s.option_sets, weights=s.weights)[0]
        partners = world.partners_by_place.get(place.pk, [])
        named = rng.sample([o.name for o in partners], 2) if len(partners) >= 2 else []
        partner, partner2 = named or ["the ICB", "the council"]
        councils = [o.name for o in partners if o.sector == Sector.UPPER_TIER_COUNCIL]
        writer = team[0]
        chosen = set(option_set_numbers(key))
        words = {
            "place": place.name,
            "partner": partner,
            "partner2": partner2,
            "council": councils[0] if councils else "the council",
            "lead": lead.full_name,
            "writer": writer.full_name,
            "email": writer.email,
            "population": f"{place.population or 300_000:,}",
            "options": _options_in_words(key),
            "avoided": str(rng.choice([o.number for o in s.options if o.number not in chosen])),
        }
        first = (
            f"{place.name} proposes {_options_in_words(key)} for the coming year, and would "
            "review the arrangement after twelve months."
        )
        body = _sentences(world, rng.randint(10, 16), words)
        middle = len(body) // 2
        case = " ".join([first, *body[:middle]]) + "\n\n" + " ".join(body[middle:])
        proposer = rng.choice(team)
        response = PlaceResponse(
            round=consultation,
            place=place,
            status=ResponseStatus.SUBMITTED,
            proposed_option_set=key,
            proposal_case=case,
            version=2,  # made, then the proposal saved
            updated_by=proposer,
            submitted_at=submitted,
            submitted_by=lead,
        )
        plans.append(_Plan(response, team, proposer, lead, started, words))
        if rng.random() < 0.06:
            extensions.append(
                DeadlineExtension(
                    round=consultation,
                    place=place,
                    closes_at=s.closes_at + timedelta(days=7),
                    reason=rng.choice(EXTENSION_REASONS),
                    granted_by=consultation.created_by,
                )
            )
    return plans, extensions


def _rating(
    world: World,
    s: _Setting,
    response: PlaceResponse,
    option: GovernanceOption,
    key: str,
    principle: Principle,
    words: dict[str, str],
    team: list[User],
) -> tuple[PlaceRating, User]:
    """A place's rating of one cell, near the framework's suggestion for it, and who wrote
    it."""
    rng = world.rng
    usual = s.suggested.get((option.pk, key, principle.pk))
    if usual is None:
        band, agreement = rng.choice(BANDS), Agreement.PARTLY
    else:
        shift = rng.choices((-2, -1, 0, 1, 2), weights=(1, 3, 8, 3, 1))[0]
        band = BANDS[min(max(BANDS.index(usual) + shift, 0), len(BANDS) - 1)]
        distance = abs(BANDS.index(band) - BANDS.index(usual))
        agreement = (
            Agreement.AGREE
            if distance == 0
            else Agreement.DISAGREE
            if distance > 1 or rng.random() < 0.3
            else Agreement.PARTLY
        )
    author = rng.choice(team)
    rating = PlaceRating(
        response=response,
        option=option,
        option_set=key,
        principle=principle,
        band=band,
        qualifier=rng.choice(QUALIFIERS) if rng.random() < 0.15 else "",
        reasons=rng.choice(REASONS).format(
            **words,
            option=option.number,
            word=BAND_WORDS[band],
            principle=principle.short_name.lower(),
            clause=rng.choice(CLAUSES),
        ),
        agreement=agreement,
        missing_from_analysis=rng.choice(MISSING) if rng.random() < 0.2 else "",
        updated_by=author,
    )
    return rating, author


def _answers_and_ratings(
    world: World, s: _Setting, plans: list[_Plan]
) -> tuple[list[Answer], list[PlaceRating], list[Any], list[Any]]:
    rng = world.rng
    # Answers and ratings, each by one of the team at some moment before the submission.
    answers: list[Answer] = []
    ratings: list[PlaceRating] = []
    drafts: list[tuple[Answer, datetime, User, str]] = []
    moments: list[tuple[Any, datetime, User]] = []
    for plan in plans:
        response, team, words = plan.response, plan.team, plan.words
        done = response.submitted_at
        assert done is not None
        last = done - timedelta(hours=1)
        for question in s.questions_of[response.round_id]:
            if question.choices:
                odds = [3, 5, 2] if len(question.choices) == 3 else None
                index = rng.choices(range(len(question.choices)), weights=odds)[0]
                choice = question.choices[index]
                opening = CHOICE_REASONS[index % len(CHOICE_REASONS)]
            else:
                choice = ""
                opening = ANSWER_OPENERS.get(question.order, "").format(**words)
            text = " ".join([opening, *_sentences(world, rng.randint(2, 5), words)])
            author = rng.choice(team)
            answer = Answer(
                response=response, question=question, choice=choice, text=text, updated_by=author
            )
            at = _between(world, plan.started, last)
            if rng.random() < 0.3:  # an earlier, shorter draft by someone else
                answer.version = 2
                drafted_at = _between(world, plan.started, at)
                drafts.append((answer, drafted_at, rng.choice(team), opening))
            answers.append(answer)
            moments.append((answer, at, author))
        # Every option alone; and, where the place proposes a combination, each of its
        # options in that combination wherever the framework rates it there.
        cells = [
            (option, str(option.number), principle)
            for option in s.options
            for principle in s.principles
        ]
        cells += [
            (context.option, context.option_set, principle)
            for context in s.contexts
            if context.option_set == response.proposed_option_set
            for principle in context.principles
        ]
        for option, key, principle in cells:
            rating, author = _rating(world, s, response, option, key, principle, words, team)
            ratings.append(rating)
            moments.append((rating, _between(world, plan.started, last), author))
    return answers, ratings, drafts, moments


def _history_records(
    world: World, plans: list[_Plan], drafts: list[Any], moments: list[Any]
) -> int:
    """The history records the response page shows; returns how many."""
    # History: the response made, its proposal saved, then submitted (a record of its own,
    # never folded into an edit); each answer and rating as saved, some answers twice.
    history: dict[type, list[Any]] = {PlaceResponse: [], Answer: [], PlaceRating: []}
    for plan in plans:
        response = plan.response
        assert response.submitted_at is not None
        proposed = _between(world, plan.started, response.submitted_at - timedelta(hours=1))
        history[PlaceResponse] += [
            _history(
                response,
                at=plan.started,
                user=plan.team[0],
                kind="+",
                status=ResponseStatus.DRAFT,
                proposed_option_set="",
                proposal_case="",
                version=1,
                updated_at=plan.started,
                updated_by_id=None,
                submitted_at=None,
                submitted_by_id=None,
            ),
            _history(
                response,
                at=proposed,
                user=plan.proposer,
                kind="~",
                status=ResponseStatus.DRAFT,
                updated_at=proposed,
                submitted_at=None,
                submitted_by_id=None,
            ),
            _history(
                response,
                at=response.submitted_at,
                user=plan.lead,
                kind="~",
                updated_at=response.submitted_at,
                history_change_reason="status",
            ),
        ]
    for answer, at, user, opening in drafts:
        history[Answer].append(
            _history(
                answer,
                at=at,
                user=user,
                kind="+",
                text=opening,
                version=1,
                updated_at=at,
                updated_by_id=user.pk,
            )
        )
    drafted = {id(answer) for answer, *_ in drafts}
    for record, at, user in moments:
        kind = "~" if id(record) in drafted else "+"
        history[type(record)].append(_history(record, at=at, user=user, kind=kind, updated_at=at))
    for model, records in history.items():
        bulk_insert(model.history.model, records)  # type: ignore[attr-defined]

    return sum(len(records) for records in history.values())


def generate_rounds(world: World) -> None:
    """For every system an open consultation round on the 2021 design framework with the
    default seven questions and four milestones, inviting every place. Every place's response
    is submitted by one of its leads: a proposal the framework allows and the case for it, a
    rating of every option against every principle with reasons, and an answer to every
    question, written by a few of its members over the round, with the history the response
    page shows. A few places were given more time."""
    s = _setting(world)
    plans, extensions = _plan_responses(world, s)
    responses = bulk_insert(PlaceResponse, [plan.response for plan in plans])
    events = bulk_insert(
        AuditEvent,
        [
            AuditEvent(
                actor=response.submitted_by,
                system_id=response.place.system_id,
                action="response.submit",
                target_type=PlaceResponse._meta.label,
                target_id=str(response.pk),
                summary=f"{response.submitted_by} submitted {response.place.name}'s response to "
                f"{ROUND_TITLE}",
                details={},
                created_at=response.submitted_at or world.now,
            )
            for response in responses
        ],
    )
    world.counts["audit_events"] = world.counts.get("audit_events", 0) + len(events)
    bulk_insert(DeadlineExtension, extensions)
    answers, ratings, drafts, moments = _answers_and_ratings(world, s, plans)
    answers = bulk_insert(Answer, answers)
    ratings = bulk_insert(PlaceRating, ratings)
    history_records = _history_records(world, plans, drafts, moments)

    # The records' own "last changed" times, which saving stamps with the present.
    consultations = list(s.round_of.values())
    PlaceResponse.objects.filter(round__in=consultations).update(updated_at=F("submitted_at"))
    for model in (Answer, PlaceRating):
        latest = (
            model.history.model.objects.filter(id=OuterRef("pk"))
            .order_by("-history_date")
            .values("history_date")[:1]
        )
        model.objects.filter(response__round__in=consultations).update(updated_at=Subquery(latest))

    world.counts["consultation_rounds"] = len(consultations)
    world.counts["round_questions"] = sum(len(q) for q in s.questions_of.values())
    world.counts["round_milestones"] = len(consultations) * len(MILESTONES)
    world.counts["deadline_extensions"] = len(extensions)
    world.counts["place_responses"] = len(responses)
    world.counts["place_responses_submitted"] = sum(
        r.status == ResponseStatus.SUBMITTED for r in responses
    )
    world.counts["answers"] = len(answers)
    world.counts["place_ratings"] = len(ratings)
    world.counts["response_history_records"] = history_records
    world.counts["response_words"] = sum(
        len(text.split())
        for text in (
            *(r.proposal_case for r in responses),
            *(a.text for a in answers),
            *(r.reasons for r in ratings),
        )
    )
