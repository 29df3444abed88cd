"""Load catalogue content (an option framework, or the delivery models) from JSON.

`catalogue_load(path=…)` is idempotent: every record is written with update_or_create on its
natural key (framework slug; framework + number for principles and options; framework + key
for combinations; framework + option + option set + principle for suggested ratings;
framework + slug for geographic tiers; slug for delivery models), so loading a file twice
leaves the database as loading it once. The data migrations and `manage.py load_catalogue`
all call it; a migration passes its historical app registry as `apps`.

Old migrations. A migration's models have only the fields of its moment (0002 knows no
framework kind, no archetype fields, no tiers, no delivery model points), and every later
migration runs the same live loader. So the loader writes only the fields the given
registry's model has, and loads tiers only where the registry has GeographicTier; 0002 also
names the files it knew (`FILES_2021`), so the 2025 framework is first loaded by 0006 with
its kind.

Suggested ratings. The source's ratings table (sections 6.3-6.4 of the 2021 paper) is kept in
the JSON as it is laid out: one *cell* per option column × principle, either for the option
alone or "with option N". The source rates an option *in the context of* its partners, so each
cell becomes one rating of that column's option in each option set it names: option 1's
column "with option 4" rates option 1 in 1+4 (MEDIUM), option 4's column "with option 1" rates
option 4 in 1+4 (LOW/MEDIUM), and option 4's "with options 2 or 3" cell rates option 4 in 2+4
and in 3+4 alike. Both cells of a combination are kept; nothing is merged or invented, and a
set × principle with no cell (2+3 and 2+3+4 throughout) gets no row, so pages say there is no
suggested rating in the source.

Ratings and combinations of the framework that the file no longer lists are removed, so the
file stays the truth; options and principles are never deleted (place ratings point at them).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.apps import apps as global_apps
from django.db import transaction

CATALOGUE_DIR = Path(__file__).resolve().parent
# The files the catalogue had before the 2025 operating model (migration 0002 loads these).
FILES_2021 = (
    CATALOGUE_DIR / "design_framework_2021.json",
    CATALOGUE_DIR / "delivery_models.json",
)
DEFAULT_FILES = (*FILES_2021, CATALOGUE_DIR / "operating_model_2025.json")

# The bands, weakest first, as governance.catalogue.models.Band names them; kept here so the
# migrations that load the catalogue do not import the live models module.
BANDS = {
    "low": "LOW",
    "low_medium": "LOW/MEDIUM",
    "medium": "MEDIUM",
    "medium_high": "MEDIUM/HIGH",
    "high": "HIGH",
}

# What an option may do, with the values an option the file says nothing about takes: no
# authority, no budgets, answering to the partners (see GovernanceOption).
OPTION_POWERS: dict[str, Any] = {
    "body_kinds": [],
    "holds_delegated_authority": False,
    "holds_budgets": False,
    "delegated_by": "nobody",
    "accountable_to": "partners",
    "membership_rules": [],
    "sources": {},
}

# What a delivery archetype says about who holds what, with the values of an option the file
# says nothing about (every option of an arrangements framework).
ARCHETYPE_FIELDS: dict[str, Any] = {
    "function_holders": {},
    "budget_forms": [],
    "asks_of_local_government": "",
    "asks_of_primary_care": "",
}

TIER_FIELDS = (
    "name",
    "order",
    "typical_from",
    "typical_to",
    "largest",
    "core_functions",
    "source",
)


def catalogue_load(*, path: str | Path, apps: Any = None) -> dict[str, int]:
    """Load one catalogue JSON file; returns how many records of each kind it wrote."""
    registry = apps or global_apps
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    with transaction.atomic():
        if "framework" in data:
            return _load_framework(data, registry)
        if "delivery_models" in data:
            return _load_delivery_models(data, registry)
    raise ValueError(f"{path} is neither an option framework nor a list of delivery models")


def catalogue_load_all(
    *, apps: Any = None, files: Iterable[Path] = DEFAULT_FILES
) -> dict[str, int]:
    counts: dict[str, int] = {}
    for path in files:
        for name, count in catalogue_load(path=path, apps=apps).items():
            counts[name] = counts.get(name, 0) + count
    return counts


def _known(model: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Only the values `model` has a field for: a migration's model may predate some."""
    names = {f.name for f in model._meta.concrete_fields}
    return {name: value for name, value in values.items() if name in names}


def _model_or_none(registry: Any, name: str) -> Any:
    try:
        return registry.get_model("governance", name)
    except LookupError:
        return None


def _key(numbers: list[int]) -> str:
    return "+".join(str(n) for n in sorted(set(numbers)))


def _check_key(key: str) -> str:
    numbers = [int(part) for part in key.split("+")]
    if _key(numbers) != key:
        raise ValueError(f"{key!r} is not a canonical option set")
    return key


def rating_cells(cells: list[dict[str, Any]]) -> dict[tuple[int, str, int], dict[str, Any]]:
    """The source table's cells, one rating per (option, option set, principle number): the
    column's option, rated in each set the cell names."""
    ratings: dict[tuple[int, str, int], dict[str, Any]] = {}
    for cell in cells:
        if cell["band"] not in BANDS:
            raise ValueError(f"Unknown band {cell['band']!r}")
        for key in cell["sets"]:
            if cell["column"] not in (int(n) for n in _check_key(key).split("+")):
                raise ValueError(f"Option {cell['column']}'s column cannot rate the set {key}")
            where = (cell["column"], key, cell["principle"])
            if where in ratings:
                raise ValueError(f"Option {where[0]} in {key} has two cells for one principle")
            ratings[where] = {
                "band": cell["band"],
                "qualifier": cell["qualifier"],
                "rationale": list(cell["points"]),
            }
    return ratings


def _load_framework(data: dict[str, Any], registry: Any) -> dict[str, int]:
    OptionFramework = registry.get_model("governance", "OptionFramework")
    Principle = registry.get_model("governance", "Principle")
    GovernanceOption = registry.get_model("governance", "GovernanceOption")
    AllowedCombination = registry.get_model("governance", "AllowedCombination")
    SuggestedRating = registry.get_model("governance", "SuggestedRating")

    meta = data["framework"]
    framework, _ = OptionFramework.objects.update_or_create(
        slug=meta["slug"],
        defaults=_known(
            OptionFramework,
            {
                **{k: meta[k] for k in ("name", "summary", "source")},
                "published_on": meta.get("published_on"),
                "kind": meta.get("kind", "arrangements"),
            },
        ),
    )
    principles = {}
    for item in data["principles"]:
        principles[item["number"]], _ = Principle.objects.update_or_create(
            framework=framework,
            number=item["number"],
            defaults={k: item[k] for k in ("name", "short_name", "summary", "sub_points")},
        )
    option_fields = (
        "name",
        "short_name",
        "summary",
        "decision_making",
        "contracts_and_budgets",
        "statutory_lead_required",
        "key_features",
        "benefits",
        "risks",
        "readiness_notes",
        "stands_alone",
    )
    numbers = set()
    options = {}
    for item in data["options"]:
        numbers.add(item["number"])
        options[item["number"]], _ = GovernanceOption.objects.update_or_create(
            framework=framework,
            number=item["number"],
            defaults=_known(
                GovernanceOption,
                {k: item[k] for k in option_fields}
                | {k: item.get(k, default) for k, default in OPTION_POWERS.items()}
                | {k: item.get(k, default) for k, default in ARCHETYPE_FIELDS.items()},
            ),
        )
    keys = []
    for item in data["combinations"]:
        key = _check_key(item["key"])
        combined = [int(n) for n in key.split("+")]
        if len(combined) < 2 or not set(combined) <= numbers:
            raise ValueError(f"Combination {key} must join two or more of the framework's options")
        keys.append(key)
        AllowedCombination.objects.update_or_create(
            framework=framework, key=key, defaults={"summary": item.get("summary", "")}
        )
    AllowedCombination.objects.filter(framework=framework).exclude(key__in=keys).delete()

    kept = []
    for (number, key, principle), rating in rating_cells(data["rating_cells"]).items():
        row, _ = SuggestedRating.objects.update_or_create(
            framework=framework,
            option=options[number],
            option_set=key,
            principle=principles[principle],
            defaults=rating,
        )
        kept.append(row.pk)
    SuggestedRating.objects.filter(framework=framework).exclude(pk__in=kept).delete()
    counts = {
        "frameworks": 1,
        "principles": len(principles),
        "options": len(numbers),
        "combinations": len(keys),
        "suggested_ratings": len(kept),
    }
    GeographicTier = _model_or_none(registry, "GeographicTier")
    if GeographicTier is not None:
        counts["tiers"] = _load_tiers(GeographicTier, framework, data.get("tiers", []))
    return counts


def _load_tiers(tier_model: Any, framework: Any, tiers: list[dict[str, Any]]) -> int:
    """The framework's geographical scales; tiers the file no longer lists are removed."""
    slugs = []
    for item in tiers:
        slugs.append(item["slug"])
        tier_model.objects.update_or_create(
            framework=framework,
            slug=item["slug"],
            defaults={k: item.get(k) for k in TIER_FIELDS}
            | {"core_functions": list(item.get("core_functions", [])), "source": item["source"]},
        )
    tier_model.objects.filter(framework=framework).exclude(slug__in=slugs).delete()
    return len(slugs)


def _load_delivery_models(data: dict[str, Any], registry: Any) -> dict[str, int]:
    DeliveryModel = registry.get_model("governance", "DeliveryModel")
    sources = data.get("sources", {})
    fields = (
        "kind",
        "name",
        "summary",
        "contract_holder",
        "risk",
        "accountability",
        "governance",
        "legal_entity",
        "time_limited",
        "order",
    )
    for item in data["delivery_models"]:
        defaults = {k: item[k] for k in fields}
        defaults["source"] = sources.get(item["source"], item["source"])
        defaults["points"] = list(item.get("points", []))
        DeliveryModel.objects.update_or_create(
            slug=item["slug"], defaults=_known(DeliveryModel, defaults)
        )
    return {"delivery_models": len(data["delivery_models"])}
