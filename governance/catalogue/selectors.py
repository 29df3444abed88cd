"""What the catalogue pages show, read in a fixed, small number of queries whatever the size
of the framework. Combination rules always come from governance.catalogue.rules."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import OuterRef, Subquery
from django.http import Http404

from governance.catalogue.models import (
    AllowedCombination,
    DeliveryModel,
    DeliveryModelKind,
    GovernanceOption,
    OptionFramework,
    Principle,
    SuggestedRating,
)
from governance.catalogue.rules import (
    FrameworkRules,
    Verdict,
    allowed_option_sets,
    option_set_numbers,
    option_set_verdict,
)

NO_RATING = "No suggested rating in the source"


def framework_get(slug: str | None = None) -> OptionFramework:
    """The framework named by slug, or else the newest; 404 when there is none."""
    frameworks = OptionFramework.objects.all()
    framework = (
        frameworks.filter(slug=slug).first()
        if slug
        else frameworks.order_by("-created_at", "-pk").first()
    )
    if framework is None:
        raise Http404("No such option framework.")
    return framework


@dataclass
class Catalogue:
    """A framework's options and combinations, with its rules, from two queries."""

    framework: OptionFramework
    options: list[GovernanceOption]
    combinations: dict[str, AllowedCombination]
    rules: FrameworkRules

    @classmethod
    def load(cls, framework: OptionFramework) -> Catalogue:
        options = list(framework.options.all())
        combinations = {c.key: c for c in framework.combinations.all()}
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


@dataclass
class Cell:
    principle: Principle
    rating: SuggestedRating | None


@dataclass
class Row:
    key: str
    label: str
    cells: list[Cell]
    summary: str = ""


def _rows(catalogue: Catalogue, keys: Iterable[str], principles: list[Principle]) -> list[Row]:
    keys = list(keys)
    ratings = {
        (r.option_set, r.principle_id): r
        for r in SuggestedRating.objects.filter(framework=catalogue.framework, option_set__in=keys)
    }
    rows = []
    for key in keys:
        combination = catalogue.combinations.get(key)
        rows.append(
            Row(
                key=key,
                label=catalogue.set_label(key),
                cells=[Cell(p, ratings.get((key, p.pk))) for p in principles],
                summary=combination.summary if combination else "",
            )
        )
    return rows


@dataclass
class Matrix:
    principles: list[Principle]
    alone: list[Row]
    combined: list[Row]


def ratings_matrix(catalogue: Catalogue) -> Matrix:
    """Every allowed set (each option alone, then the combinations) × every principle."""
    principles = list(catalogue.framework.principles.all())
    keys = allowed_option_sets(catalogue.rules)
    rows = _rows(catalogue, keys, principles)
    return Matrix(
        principles=principles,
        alone=[row for row in rows if "+" not in row.key],
        combined=[row for row in rows if "+" in row.key],
    )


@dataclass
class OptionDetail:
    option: GovernanceOption
    principles: list[Principle]
    alone: Row
    combined: list[Row]
    partners: list[GovernanceOption] = field(default_factory=list)

    @property
    def rows(self) -> list[Row]:
        return [self.alone, *self.combined]

    @property
    def caption(self) -> str:
        return f"Suggested ratings of option {self.option.number}, alone and in combination"


def option_detail(catalogue: Catalogue, number: int) -> OptionDetail:
    option = catalogue.by_number.get(number)
    if option is None:
        raise Http404("No such option.")
    principles = list(catalogue.framework.principles.all())
    keys = [str(number)] + [
        key
        for key in allowed_option_sets(catalogue.rules)
        if "+" in key and number in option_set_numbers(key)
    ]
    rows = _rows(catalogue, keys, principles)
    by_number = catalogue.by_number
    return OptionDetail(
        option=option,
        principles=principles,
        alone=rows[0],
        combined=rows[1:],
        partners=[by_number[n] for n in catalogue.rules.partners_of(number)],
    )


@dataclass
class Exploration:
    numbers: list[int]
    verdict: Verdict | None
    label: str = ""
    cells: list[Cell] = field(default_factory=list)
    options: list[GovernanceOption] = field(default_factory=list)
    combination: AllowedCombination | None = None


def explore(catalogue: Catalogue, numbers: Iterable[int]) -> Exploration:
    """Whether a set of options may be used together (and why not), its suggested rating
    against each principle, and the risks to weigh. One query beyond the catalogue: the
    principles, each annotated with the set's rating."""
    chosen = sorted(set(numbers))
    if not chosen:
        return Exploration(numbers=[], verdict=None)
    verdict = option_set_verdict(catalogue.rules, chosen)
    exploration = Exploration(numbers=chosen, verdict=verdict)
    if not verdict.allowed:
        return exploration
    ratings = SuggestedRating.objects.filter(
        framework=catalogue.framework, option_set=verdict.key, principle=OuterRef("pk")
    )
    principles = Principle.objects.filter(framework=catalogue.framework).annotate(
        rating_band=Subquery(ratings.values("band")[:1]),
        rating_qualifier=Subquery(ratings.values("qualifier")[:1]),
        rating_rationale=Subquery(ratings.values("rationale")[:1]),
    )
    cells = []
    for principle in principles:
        rating = None
        if principle.rating_band:
            rationale = principle.rating_rationale
            if isinstance(rationale, str):  # some backends return JSON from a subquery as text
                rationale = json.loads(rationale)
            rating = SuggestedRating(
                framework=catalogue.framework,
                option_set=verdict.key,
                principle=principle,
                band=principle.rating_band,
                qualifier=principle.rating_qualifier,
                rationale=rationale,
            )
        cells.append(Cell(principle, rating))
    by_number = catalogue.by_number
    exploration.label = catalogue.set_label(verdict.key)
    exploration.cells = cells
    exploration.options = [by_number[n] for n in chosen]
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
class FrameworkCatalogue:
    """A framework's options, principles, allowed combinations and suggested ratings: what
    every response page reads and nobody changes while a round runs."""

    options: tuple[GovernanceOption, ...]
    principles: tuple[Principle, ...]
    combinations: tuple[str, ...]
    suggested: dict[tuple[str, int], SuggestedRating]  # (option set, principle pk) →


def framework_catalogue(*, framework: OptionFramework) -> FrameworkCatalogue:
    """Read once per process and framework version: the framework's `updated_at` moves
    whenever any of its parts changes (governance.catalogue.signals), so a cached copy is never stale
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
