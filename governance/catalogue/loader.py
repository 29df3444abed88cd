"""Load catalogue content (an option framework, or the delivery models) from JSON.

`catalogue_load(path=…)` is idempotent: every record is written with update_or_create on its
natural key (framework slug; framework + number for principles and options; framework + key
for combinations; framework + option set + principle for suggested ratings; slug for
delivery models), so loading a file twice leaves the database as loading it once. The data
migration and `manage.py load_catalogue` both call it; the migration passes its historical
app registry as `apps`.

Suggested ratings. The source's ratings table (sections 6.3-6.4 of the 2021 paper) is kept in
the JSON as it is laid out: one *cell* per option column × principle, either for the option
alone or "with option N". A cell in option M's column "with option N" rates the set M+N; option
4's "with options 2 or 3" cell rates 2+4 and 3+4 alike and says nothing about 2+3+4. The model
holds one rating per set × principle, so cells are merged per set, losing nothing:

- every column's view of a combined set goes into the rating's `rationale`, each entry led by
  "Option M's column: BAND (qualifier)." and followed by the restated points;
- where the columns agree on the band, that is the set's band (qualifiers joined if they
  differ);
- where they disagree (only 1+4: option 1's column says MEDIUM, option 4's says LOW/MEDIUM),
  the set takes the weaker band, and its qualifier says that the columns differ and what each
  gives;
- a set × principle with no cell gets no row (2+3 and 2+3+4 throughout): pages then say there
  is no suggested rating in the source. Nothing is invented.

Ratings and combinations of the framework that the file no longer lists are removed, so the
file stays the truth; options and principles are never deleted (place ratings point at them).
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from django.apps import apps as global_apps
from django.db import transaction

CATALOGUE_DIR = Path(__file__).resolve().parent
DEFAULT_FILES = (
    CATALOGUE_DIR / "design_framework_2021.json",
    CATALOGUE_DIR / "delivery_models.json",
)

# Weakest first; mirrors governance.catalogue.models.BAND_ORDER, kept here so the migration does not
# import the live models module.
BANDS = {
    "low": "LOW",
    "low_medium": "LOW/MEDIUM",
    "medium": "MEDIUM",
    "medium_high": "MEDIUM/HIGH",
    "high": "HIGH",
}
BAND_ORDER = {band: position for position, band in enumerate(BANDS)}


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


def catalogue_load_all(*, apps: Any = None) -> dict[str, int]:
    counts: dict[str, int] = {}
    for path in DEFAULT_FILES:
        for name, count in catalogue_load(path=path, apps=apps).items():
            counts[name] = counts.get(name, 0) + count
    return counts


def _key(numbers: list[int]) -> str:
    return "+".join(str(n) for n in sorted(set(numbers)))


def _check_key(key: str) -> str:
    numbers = [int(part) for part in key.split("+")]
    if _key(numbers) != key:
        raise ValueError(f"{key!r} is not a canonical option set")
    return key


def merge_rating_cells(cells: list[dict[str, Any]]) -> dict[tuple[str, int], dict[str, Any]]:
    """The source table's cells merged into one rating per (option set, principle number), as
    the module docstring describes."""
    by_set: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    for cell in cells:
        if cell["band"] not in BANDS:
            raise ValueError(f"Unknown band {cell['band']!r}")
        for key in cell["sets"]:
            by_set[(_check_key(key), cell["principle"])].append(cell)
    merged = {}
    for (key, principle), views in by_set.items():
        views = sorted(views, key=lambda c: c["column"])
        if "+" not in key:
            if len(views) != 1:
                raise ValueError(f"Option {key} has {len(views)} standalone cells")
            view = views[0]
            merged[(key, principle)] = {
                "band": view["band"],
                "qualifier": view["qualifier"],
                "rationale": list(view["points"]),
            }
            continue
        rationale = []
        for view in views:
            qualifier = f" ({view['qualifier']})" if view["qualifier"] else ""
            rationale.append(
                f"Option {view['column']}'s column: {BANDS[view['band']]}{qualifier}. "
                + " ".join(view["points"])
            )
        bands = {view["band"] for view in views}
        if len(bands) == 1:
            band = views[0]["band"]
            qualifier = "; ".join(dict.fromkeys(v["qualifier"] for v in views if v["qualifier"]))
        else:
            band = min(bands, key=BAND_ORDER.__getitem__)
            qualifier = "the source's columns differ: " + "; ".join(
                f"option {v['column']}'s gives {BANDS[v['band']]}"
                + (f" ({v['qualifier']})" if v["qualifier"] else "")
                for v in views
            )
        merged[(key, principle)] = {"band": band, "qualifier": qualifier, "rationale": rationale}
    return merged


def _load_framework(data: dict[str, Any], registry: Any) -> dict[str, int]:
    OptionFramework = registry.get_model("governance", "OptionFramework")
    Principle = registry.get_model("governance", "Principle")
    GovernanceOption = registry.get_model("governance", "GovernanceOption")
    AllowedCombination = registry.get_model("governance", "AllowedCombination")
    SuggestedRating = registry.get_model("governance", "SuggestedRating")

    meta = data["framework"]
    framework, _ = OptionFramework.objects.update_or_create(
        slug=meta["slug"],
        defaults={k: meta[k] for k in ("name", "summary", "source")},
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
    for item in data["options"]:
        numbers.add(item["number"])
        GovernanceOption.objects.update_or_create(
            framework=framework,
            number=item["number"],
            defaults={k: item[k] for k in option_fields},
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
    for (key, principle), rating in merge_rating_cells(data["rating_cells"]).items():
        row, _ = SuggestedRating.objects.update_or_create(
            framework=framework,
            option_set=key,
            principle=principles[principle],
            defaults=rating,
        )
        kept.append(row.pk)
    SuggestedRating.objects.filter(framework=framework).exclude(pk__in=kept).delete()
    return {
        "frameworks": 1,
        "principles": len(principles),
        "options": len(numbers),
        "combinations": len(keys),
        "suggested_ratings": len(kept),
    }


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
        DeliveryModel.objects.update_or_create(slug=item["slug"], defaults=defaults)
    return {"delivery_models": len(data["delivery_models"])}
