"""What the catalogue pages show, read in a fixed, small number of queries whatever the size
of the framework: the suggested ratings come from the per-process copy of the framework
(`framework_catalogue`). Combination rules always come from governance.catalogue.rules.

The source rates each option of a combination separately, in the context of its partners, so
a rating is always of one option in one option set: a page shows "Option 1 with option 4"
and "Option 4 with option 1" as two ratings, each for the option it rates."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Case, F, When
from django.http import Http404

from governance.catalogue.archetypes import ArchetypeProfile, archetype_profile
from governance.catalogue.dating import framework_notes
from governance.catalogue.models import (
    AllowedCombination,
    DeliveryModel,
    DeliveryModelKind,
    FrameworkKind,
    GeographicTier,
    GovernanceOption,
    OptionFramework,
    Principle,
    SuggestedRating,
)
from governance.catalogue.rules import (
    FrameworkRules,
    Verdict,
    allowed_option_sets,
    option_in_context_label,
    option_set_numbers,
    option_set_verdict,
)

NO_RATING = "No suggested rating in the source"


def framework_get(slug: str | None = None) -> OptionFramework:
    """The framework named by slug; without one, the newest framework of place governance
    arrangements (the 2021 kind: the catalogue's pages and links that name no framework have
    always meant one), or the newest of any kind if there is none. 404 when there is none."""
    frameworks = OptionFramework.objects.all()
    if slug:
        framework = frameworks.filter(slug=slug).first()
    else:
        newest = frameworks.order_by(
            Case(When(kind=FrameworkKind.ARRANGEMENTS, then=0), default=1),
            "-created_at",
            "-pk",
        )
        framework = newest.first()
    if framework is None:
        raise Http404("No such option framework.")
    return framework


@dataclass(frozen=True)
class FrameworkLink:
    """A framework in the catalogue's switcher: its slug, name and kind, and whether it is
    the one shown."""

    slug: str
    name: str
    kind_label: str
    published_month: str
    current: bool


def framework_links(current: OptionFramework) -> list[FrameworkLink]:
    """Every framework, newest publication first, for the switcher: one query."""
    rows = OptionFramework.objects.order_by(
        F("published_on").desc(nulls_last=True), "-created_at", "-pk"
    ).only("slug", "name", "kind", "published_on")
    return [
        FrameworkLink(
            slug=row.slug,
            name=row.name,
            kind_label=row.get_kind_display(),
            published_month=row.published_month,
            current=row.pk == current.pk,
        )
        for row in rows
    ]


def tier_population(tier: GeographicTier) -> str:
    """A tier's population in words: "Typically 250,000 to 500,000 people; some up to
    1,200,000", or that the source gives none."""
    if tier.typical_from is None and tier.typical_to is None:
        return "The source gives no typical population"
    if tier.typical_from is not None and tier.typical_to is not None:
        typical = f"Typically {tier.typical_from:,} to {tier.typical_to:,} people"
    elif tier.typical_from is not None:
        typical = f"Typically {tier.typical_from:,} people or more"
    else:
        typical = f"Typically up to {tier.typical_to:,} people"
    if tier.largest:
        typical += f"; some up to {tier.largest:,}"
    return typical


@dataclass(frozen=True)
class TierView:
    tier: GeographicTier
    population: str


def framework_tiers(framework: OptionFramework) -> list[TierView]:
    """The framework's geographical scales, largest first, with their populations in words
    (one query; none for a framework that describes none)."""
    return [
        TierView(tier, tier_population(tier))
        for tier in GeographicTier.objects.filter(framework=framework).order_by("order")
    ]


@dataclass
class Catalogue:
    """A framework's options and combinations, with its rules, from two queries."""

    framework: OptionFramework
    options: list[GovernanceOption]
    combinations: dict[str, AllowedCombination]
    rules: FrameworkRules

    @classmethod
    def load(cls, framework: OptionFramework) -> Catalogue:
        """From the per-process copy `framework_catalogue` keeps for the framework's version:
        no query of its own."""
        cached = framework_catalogue(framework=framework)
        options = list(cached.options)
        combinations = {c.key: c for c in cached.combination_rows}
        rules = FrameworkRules.from_rows(
            ((o.number, o.short_name, o.stands_alone) for o in options), combinations
        )
        return cls(framework, options, combinations, rules)

    @property
    def by_number(self) -> dict[int, GovernanceOption]:
        return {option.number: option for option in self.options}

    def set_label(self, key: str) -> str:
        names = self.by_number
        return " with ".join(
            f"{n}. {names[n].short_name}" if n in names else str(n) for n in option_set_numbers(key)
        )


@dataclass(frozen=True)
class OptionCard:
    """An option with its notes as the pages show them: a note that carries a date is marked
    as the framework's (governance.catalogue.dating)."""

    option: GovernanceOption
    readiness: list[str]
    benefits: list[str]
    risks: list[str]


def option_card(option: GovernanceOption, framework: OptionFramework) -> OptionCard:
    return OptionCard(
        option=option,
        readiness=framework_notes(option.readiness_notes, framework=framework),
        benefits=framework_notes(option.benefits, framework=framework),
        risks=framework_notes(option.risks, framework=framework),
    )


def option_cards(catalogue: Catalogue) -> list[OptionCard]:
    return [option_card(option, catalogue.framework) for option in catalogue.options]


@dataclass
class Cell:
    principle: Principle
    rating: SuggestedRating | None


@dataclass
class Row:
    """One option rated against every principle in the context of one option set: the
    option alone, or with its partners in a combination."""

    number: int  # the option rated
    key: str  # the option set it is rated in
    label: str
    cells: list[Cell]
    set_label: str = ""  # a combination's options by name
    summary: str = ""

    @property
    def rated(self) -> bool:
        return any(cell.rating for cell in self.cells)

    @property
    def none_text(self) -> str:
        """What a row without a single suggested rating says instead of a table."""
        return f"{NO_RATING} for {self.label[:1].lower()}{self.label[1:]}."


def _row(
    catalogue: Catalogue,
    ratings: FrameworkCatalogue,
    number: int,
    key: str,
    *,
    label: str = "",
    summary: str = "",
) -> Row:
    option = catalogue.by_number[number]
    combined = "+" in key
    return Row(
        number=number,
        key=key,
        label=label or option_in_context_label(number, key),
        cells=[Cell(p, ratings.suggested.get((option.pk, key, p.pk))) for p in ratings.principles],
        set_label=catalogue.set_label(key) if combined else "",
        summary=summary,
    )


def _combination_rows(
    catalogue: Catalogue, ratings: FrameworkCatalogue, key: str, numbers: Iterable[int]
) -> list[Row]:
    """The rows of the options `numbers`, each rated in the combination `key`; the
    combination's notes go with the first."""
    combination = catalogue.combinations.get(key)
    summary = combination.summary if combination else ""
    known = catalogue.by_number
    return [
        _row(catalogue, ratings, number, key, summary=summary if index == 0 else "")
        for index, number in enumerate(n for n in numbers if n in known)
    ]


@dataclass
class Matrix:
    principles: list[Principle]
    alone: list[Row]
    combined: list[Row]

    @property
    def rated(self) -> bool:
        """Whether the source suggests any rating at all (it gives none of the 2025
        archetypes)."""
        return any(row.rated for row in [*self.alone, *self.combined])


def ratings_matrix(catalogue: Catalogue) -> Matrix:
    """Each option alone, then each allowed combination as one row per option in it (the
    source rates each option in the context of its partners) × every principle."""
    ratings = framework_catalogue(framework=catalogue.framework)
    alone = [
        _row(catalogue, ratings, o.number, str(o.number), label=catalogue.set_label(str(o.number)))
        for o in catalogue.options
    ]
    combined = [
        row
        for key in allowed_option_sets(catalogue.rules)
        if "+" in key
        for row in _combination_rows(catalogue, ratings, key, option_set_numbers(key))
    ]
    return Matrix(principles=list(ratings.principles), alone=alone, combined=combined)


@dataclass
class OptionDetail:
    option: GovernanceOption
    card: OptionCard
    principles: list[Principle]
    alone: Row
    combined: list[Row]
    partners: list[GovernanceOption] = field(default_factory=list)
    profile: ArchetypeProfile | None = None  # for an option of an archetypes framework

    @property
    def rows(self) -> list[Row]:
        return [self.alone, *self.combined]

    @property
    def rated(self) -> bool:
        return any(row.rated for row in self.rows)

    @property
    def caption(self) -> str:
        return f"Suggested ratings of option {self.option.number}, alone and in combination"


def option_detail(catalogue: Catalogue, number: int) -> OptionDetail:
    """An option and its own suggested ratings: alone, and in each combination it may be part
    of, as the source rates this option there (its partners' ratings are on their pages)."""
    option = catalogue.by_number.get(number)
    if option is None:
        raise Http404("No such option.")
    ratings = framework_catalogue(framework=catalogue.framework)
    combined = [
        row
        for key in allowed_option_sets(catalogue.rules)
        if "+" in key and number in option_set_numbers(key)
        for row in _combination_rows(catalogue, ratings, key, [number])
    ]
    by_number = catalogue.by_number
    return OptionDetail(
        option=option,
        card=option_card(option, catalogue.framework),
        principles=list(ratings.principles),
        alone=_row(catalogue, ratings, number, str(number)),
        combined=combined,
        partners=[by_number[n] for n in catalogue.rules.partners_of(number)],
        profile=(
            archetype_profile(option)
            if catalogue.framework.kind == FrameworkKind.ARCHETYPES
            else None
        ),
    )


@dataclass
class Exploration:
    numbers: list[int]
    verdict: Verdict | None
    label: str = ""
    rows: list[Row] = field(default_factory=list)  # each chosen option, rated in the set
    options: list[OptionCard] = field(default_factory=list)
    combination: AllowedCombination | None = None


def explore(catalogue: Catalogue, numbers: Iterable[int]) -> Exploration:
    """Whether a set of options may be used together (and why not), how the source rates
    each of them in that set against each principle, and the risks to weigh. The ratings come
    from the per-process copy of the framework, so this reads nothing beyond the catalogue."""
    chosen = sorted(set(numbers))
    if not chosen:
        return Exploration(numbers=[], verdict=None)
    verdict = option_set_verdict(catalogue.rules, chosen)
    exploration = Exploration(numbers=chosen, verdict=verdict)
    if not verdict.allowed:
        return exploration
    ratings = framework_catalogue(framework=catalogue.framework)
    by_number = catalogue.by_number
    exploration.label = catalogue.set_label(verdict.key)
    exploration.rows = [_row(catalogue, ratings, n, verdict.key) for n in chosen]
    exploration.options = [option_card(by_number[n], catalogue.framework) for n in chosen]
    exploration.combination = catalogue.combinations.get(verdict.key)
    return exploration


def group_delivery_models(models: Iterable[DeliveryModel]) -> dict[str, list[DeliveryModel]]:
    """Delivery models grouped by kind, in the order the kinds are declared."""
    grouped: dict[str, list[DeliveryModel]] = {label: [] for _, label in DeliveryModelKind.choices}
    for model in models:
        grouped[model.get_kind_display()].append(model)
    return {label: members for label, members in grouped.items() if members}


# The framework catalogue, cached per process ------------------------------------------------


@dataclass(frozen=True)
class RatingContext:
    """An option in a combination with the principles the framework rates it against there:
    the cells a place may rate in that context besides the option alone."""

    option: GovernanceOption
    option_set: str
    label: str  # "Option 1 with option 4"
    principles: tuple[Principle, ...]


@dataclass(frozen=True)
class FrameworkCatalogue:
    """A framework's options, principles, allowed combinations and suggested ratings: what
    every response page reads and nobody changes while a round runs."""

    options: tuple[GovernanceOption, ...]
    principles: tuple[Principle, ...]
    combinations: tuple[str, ...]
    # (option pk, option set, principle pk) → the rating of that option in that set
    suggested: dict[tuple[int, str, int], SuggestedRating]
    contexts: tuple[RatingContext, ...] = ()  # by option, then set
    combination_rows: tuple[AllowedCombination, ...] = ()  # with their summaries

    def suggestion(
        self, option: GovernanceOption, principle: Principle, option_set: str = ""
    ) -> SuggestedRating | None:
        """The suggested rating of `option` against `principle` in `option_set` (by default
        the option alone), or None where the source gives none."""
        return self.suggested.get((option.pk, option_set or str(option.number), principle.pk))


def framework_catalogue(*, framework: OptionFramework) -> FrameworkCatalogue:
    """Read once per process and framework version: the framework's `updated_at` moves
    whenever any of its parts changes (governance.catalogue.signals), so a cached copy is never stale
    for a request that has just read the framework row."""
    return _catalogue(framework.pk, framework.updated_at)


def _contexts(
    options: tuple[GovernanceOption, ...],
    principles: tuple[Principle, ...],
    combinations: tuple[str, ...],
    suggested: dict[tuple[int, str, int], SuggestedRating],
) -> tuple[RatingContext, ...]:
    keys = sorted(combinations, key=lambda k: (len(option_set_numbers(k)), option_set_numbers(k)))
    contexts = []
    for option in options:
        for key in keys:
            if option.number not in option_set_numbers(key):
                continue
            rated = tuple(p for p in principles if (option.pk, key, p.pk) in suggested)
            if rated:
                label = option_in_context_label(option.number, key)
                contexts.append(RatingContext(option, key, label, rated))
    return tuple(contexts)


@functools.lru_cache(maxsize=32)
def _catalogue(framework_id: int, version: datetime) -> FrameworkCatalogue:
    options = tuple(GovernanceOption.objects.filter(framework_id=framework_id))
    principles = tuple(Principle.objects.filter(framework_id=framework_id))
    combination_rows = tuple(AllowedCombination.objects.filter(framework_id=framework_id))
    combinations = tuple(row.key for row in combination_rows)
    suggested = {
        (s.option_id, s.option_set, s.principle_id): s
        for s in SuggestedRating.objects.filter(framework_id=framework_id)
    }
    return FrameworkCatalogue(
        options=options,
        principles=principles,
        combinations=combinations,
        suggested=suggested,
        contexts=_contexts(options, principles, combinations, suggested),
        combination_rows=combination_rows,
    )


def tiers_in_use() -> list[GeographicTier]:
    """The geographic tiers of the newest framework that describes any, smallest last (the
    footprints populations are checked against); none when no framework describes tiers."""
    newest = (
        OptionFramework.objects.filter(tiers__isnull=False)
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    return list(GeographicTier.objects.filter(framework__in=newest).order_by("order"))
