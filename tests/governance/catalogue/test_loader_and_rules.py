"""The catalogue against its source: the suggested ratings cell by cell (sections 6.3-6.4 of
the 2021 ICS paper on place governance options), the combination rules, and the loader."""

from __future__ import annotations

import json
from itertools import combinations

import pytest
from django.core.management import call_command

from governance.catalogue import models as catalogue
from governance.catalogue.loader import (
    CATALOGUE_DIR,
    DEFAULT_FILES,
    catalogue_load,
    catalogue_load_all,
    rating_cells,
)
from governance.catalogue.rules import (
    FrameworkRules,
    option_in_context_label,
    option_set_key,
    option_set_numbers,
    option_set_verdict,
)

pytestmark = pytest.mark.django_db

SLUG = "ics-design-framework-2021"
L, LM, M, MH = "low", "low_medium", "medium", "medium_high"
PARTNERSHIP = "depending on strength of partnership"
COMMITTEE = "depending on composition of committee and terms of reference"
DELEGATIONS = "depending on delegations and terms of reference"
STANDALONE = "as a standalone option"
LEAD = "depending on ways of working of lead provider"

# The source table transcribed: (column, set it rates, principle) → (band, qualifier).
# "With option N" cells in option M's column rate the set M+N; option 4's "with options 2 or
# 3" cell rates 2+4 and 3+4. An empty qualifier means the source gives none.
SOURCE_CELLS: dict[tuple[int, str, int], tuple[str, str]] = {
    # Option 1, place-based partnership board (consultative forum)
    (1, "1", 1): (LM, PARTNERSHIP),
    (1, "1", 2): (LM, PARTNERSHIP),
    (1, "1", 3): (LM, PARTNERSHIP),
    (1, "1+4", 1): (M, ""),
    (1, "1+4", 2): (M, ""),
    (1, "1+4", 3): (M, ""),
    # Option 2, committee of the ICS NHS body
    (2, "2", 1): (MH, COMMITTEE),
    (2, "2", 2): (MH, COMMITTEE),
    (2, "2", 3): (MH, COMMITTEE),
    (2, "2+4", 1): (MH, DELEGATIONS),
    (2, "2+4", 2): (MH, DELEGATIONS),
    # Option 3, joint committee
    (3, "3", 1): (MH, COMMITTEE),
    (3, "3", 2): (MH, COMMITTEE),
    (3, "3", 3): (MH, COMMITTEE),
    (3, "3+4", 1): (MH, DELEGATIONS),
    (3, "3+4", 2): (MH, DELEGATIONS),
    # Option 4, delegated authority to an individual director
    (4, "4", 1): (L, STANDALONE),
    (4, "4", 2): (L, STANDALONE),
    (4, "4", 3): (L, STANDALONE),
    (4, "1+4", 1): (LM, "depending on delegations and strength of partnership"),
    (4, "1+4", 2): (LM, PARTNERSHIP),
    (4, "1+4", 3): (LM, PARTNERSHIP),
    (4, "2+4", 1): (MH, DELEGATIONS),
    (4, "2+4", 2): (MH, DELEGATIONS),
    (4, "2+4", 3): (MH, ""),
    (4, "3+4", 1): (MH, DELEGATIONS),
    (4, "3+4", 2): (MH, DELEGATIONS),
    (4, "3+4", 3): (MH, ""),
    # Option 5, lead provider contract
    (5, "5", 1): (LM, LEAD),
    (5, "5", 2): (LM, LEAD),
    (5, "5", 3): (LM, LEAD),
}
ALLOWED = {"1", "2", "3", "4", "5", "1+4", "2+3", "2+4", "3+4", "2+3+4"}


@pytest.fixture
def framework() -> catalogue.OptionFramework:
    catalogue_load_all()  # the migration loaded it; a flushed transactional test may not have
    return catalogue.OptionFramework.objects.get(slug=SLUG)


def ratings_of(
    framework: catalogue.OptionFramework,
) -> dict[tuple[int, str, int], catalogue.SuggestedRating]:
    """The loaded ratings by (option number, option set, principle number): one per cell."""
    return {
        (r.option.number, r.option_set, r.principle.number): r
        for r in catalogue.SuggestedRating.objects.filter(framework=framework).select_related(
            "option", "principle"
        )
    }


def test_the_framework_has_five_options_and_three_principles(framework):
    options = {o.number: o for o in framework.options.all()}
    assert sorted(options) == [1, 2, 3, 4, 5]
    assert [o.number for o in options.values() if o.stands_alone] == [5]
    assert [o.number for o in options.values() if o.statutory_lead_required] == [5]
    for option in options.values():
        assert option.summary and option.decision_making and option.contracts_and_budgets
        assert option.key_features and option.benefits and option.risks
        assert option.readiness_notes
    principles = list(framework.principles.all())
    assert [p.number for p in principles] == [1, 2, 3]
    assert [len(p.sub_points) for p in principles] == [3, 2, 3]


def test_every_source_cell_is_in_the_catalogue(framework):
    """Cell by cell: the catalogue holds exactly the source's ratings, each option rated
    alone and in the context of its partners, with the band and qualifier the source gives.
    Nothing is merged (1+4 keeps option 1's MEDIUM and option 4's LOW/MEDIUM) or invented."""
    loaded = {cell: (r.band, r.qualifier) for cell, r in ratings_of(framework).items()}
    assert loaded == SOURCE_CELLS


def test_the_loaded_cells_equal_the_json_cell_by_cell(framework):
    """Every cell the framework's JSON lists, as the loader reads it, is one row with its
    option, set, principle, band, qualifier and points; and there is no other row."""
    data = json.loads((CATALOGUE_DIR / "design_framework_2021.json").read_text("utf-8"))
    cells = rating_cells(data["rating_cells"])
    ratings = ratings_of(framework)
    assert set(ratings) == set(cells)
    for (number, key, principle), cell in cells.items():
        rating = ratings[(number, key, principle)]
        said = f"option {number} in {key} against principle {principle}"
        assert rating.option.number == number and number in option_set_numbers(key), said
        assert (rating.band, rating.qualifier, rating.rationale) == (
            cell["band"],
            cell["qualifier"],
            cell["rationale"],
        ), said
    # Option 4's "with options 2 or 3" cell rates option 4 in both sets, alike.
    for principle in (1, 2, 3):
        assert ratings[(4, "2+4", principle)].band == ratings[(4, "3+4", principle)].band


def test_a_combination_keeps_each_options_cell(framework):
    ratings = ratings_of(framework)
    for principle in (1, 2, 3):
        assert ratings[(1, "1+4", principle)].band == M
        assert ratings[(4, "1+4", principle)].band == LM


def test_sets_the_source_does_not_rate_have_no_rating(framework):
    ratings = ratings_of(framework)
    for key in ("2+3", "2+3+4"):
        assert not any(k == key for _, k, _ in ratings), key
    # Columns 2 and 3 give no "with option 4" rating for the third principle; only option
    # 4's column rates 2+4 and 3+4 there.
    assert (2, "2+4", 3) not in ratings and (3, "3+4", 3) not in ratings
    assert (4, "2+4", 3) in ratings and (4, "3+4", 3) in ratings


def test_the_cached_catalogue_lists_the_contexts_a_place_may_rate(framework):
    from governance.catalogue.selectors import framework_catalogue

    contexts = [
        (c.label, c.option_set, [p.number for p in c.principles])
        for c in framework_catalogue(framework=framework).contexts
    ]
    assert contexts == [
        ("Option 1 with option 4", "1+4", [1, 2, 3]),
        ("Option 2 with option 4", "2+4", [1, 2]),
        ("Option 3 with option 4", "3+4", [1, 2]),
        ("Option 4 with option 1", "1+4", [1, 2, 3]),
        ("Option 4 with option 2", "2+4", [1, 2, 3]),
        ("Option 4 with option 3", "3+4", [1, 2, 3]),
    ]


def test_an_option_in_context_is_named_by_its_partners():
    assert option_in_context_label(4, "4") == "Option 4 alone"
    assert option_in_context_label(1, "1+4") == "Option 1 with option 4"
    assert option_in_context_label(4, "1+4") == "Option 4 with option 1"
    assert option_in_context_label(4, "2+3+4") == "Option 4 with options 2 and 3"


def test_the_validator_allows_exactly_the_ten_sets(framework):
    rules = FrameworkRules.load(framework)
    subsets = [
        option_set_key(chosen) for size in range(1, 6) for chosen in combinations(range(1, 6), size)
    ]
    assert len(subsets) == 31
    allowed = {
        key for key in subsets if option_set_verdict(rules, map(int, key.split("+"))).allowed
    }
    assert allowed == ALLOWED


def test_refusals_name_the_rule(framework):
    rules = FrameworkRules.load(framework)
    for other in (1, 2, 3, 4):
        verdict = option_set_verdict(rules, [5, other])
        assert not verdict.allowed
        assert any("Option 5" in r and "stands alone" in r for r in verdict.reasons), verdict
    verdict = option_set_verdict(rules, [1, 2])
    assert not verdict.allowed
    assert any("Option 1" in r and "only with option 4" in r for r in verdict.reasons), verdict
    verdict = option_set_verdict(rules, [1, 3, 4])
    assert any("Option 1" in r and "only with option 4" in r for r in verdict.reasons), verdict


def test_the_combinations_are_the_sources(framework):
    keys = set(
        catalogue.AllowedCombination.objects.filter(framework=framework).values_list(
            "key", flat=True
        )
    )
    assert keys == {"1+4", "2+3", "2+4", "3+4", "2+3+4"}


def test_the_loader_is_idempotent(framework):
    def snapshot() -> tuple:
        return (
            list(catalogue.OptionFramework.objects.values_list("pk", "slug", "name")),
            list(catalogue.Principle.objects.values_list("pk", "number", "name", "sub_points")),
            list(
                catalogue.GovernanceOption.objects.values_list("pk", "number", "summary", "risks")
            ),
            list(catalogue.AllowedCombination.objects.values_list("pk", "key", "summary")),
            list(
                catalogue.SuggestedRating.objects.order_by("pk").values_list(
                    "pk",
                    "option_id",
                    "option_set",
                    "principle_id",
                    "band",
                    "qualifier",
                    "rationale",
                )
            ),
            list(
                catalogue.DeliveryModel.objects.order_by("pk").values_list("pk", "slug", "summary")
            ),
        )

    before = snapshot()
    for path in DEFAULT_FILES:
        catalogue_load(path=path)
    call_command("load_catalogue", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert snapshot() == before


def test_the_loader_restores_edited_content_and_drops_stale_rows(framework):
    catalogue.SuggestedRating.objects.filter(option_set="4").update(band="high")
    principle = framework.principles.get(number=1)
    catalogue.SuggestedRating.objects.create(
        framework=framework,
        option=framework.options.get(number=2),
        option_set="2+3",
        principle=principle,
        band="high",
    )
    catalogue_load_all()
    ratings = ratings_of(framework)
    assert ratings[(4, "4", 1)].band == L
    assert (2, "2+3", 1) not in ratings


def test_delivery_models(framework):
    models = {m.slug: m for m in catalogue.DeliveryModel.objects.all()}
    by_kind = {
        kind: sorted(s for s, m in models.items() if m.kind == kind)
        for kind in catalogue.DeliveryModelKind
    }
    assert by_kind[catalogue.DeliveryModelKind.DELIVERY_MODEL] == sorted(
        [
            "federation",
            "alliance",
            "prime-provider",
            "corporate-joint-venture-model",
            "integrator",
            "lead-provider",
            "single-provider",
        ]
    )
    assert by_kind[catalogue.DeliveryModelKind.ARCHETYPE] == [
        "lead-care-provider",
        "place-partnership",
    ]
    assert by_kind[catalogue.DeliveryModelKind.INTEGRATION_FORM] == sorted(
        ["sub-contractor", "contractual-joint-venture", "corporate-joint-venture", "merger"]
    )
    for model in models.values():
        assert model.summary and model.contract_holder and model.risk and model.legal_entity
        assert model.time_limited and model.source and model.governance
    assert models["merger"].governance == "single"
    assert models["sub-contractor"].governance == "separate"
    assert models["alliance"].governance == "shared"
    assert models["merger"].time_limited == "Not time-limited"


def test_the_cached_framework_catalogue_follows_every_change_to_its_parts(db):
    from governance.catalogue.selectors import framework_catalogue
    from tests.factories import make_framework

    framework = make_framework()
    before = framework_catalogue(framework=framework)
    assert framework_catalogue(framework=framework) is before  # read once, then reused

    option = (
        catalogue.GovernanceOption.objects.filter(framework=framework).order_by("number").first()
    )
    option.short_name = "Renamed in the admin"
    option.save()
    framework.refresh_from_db()
    after = framework_catalogue(framework=framework)
    assert after is not before
    assert after.options[0].short_name == "Renamed in the admin"

    catalogue.AllowedCombination.objects.filter(framework=framework).first().delete()
    framework.refresh_from_db()
    assert len(framework_catalogue(framework=framework).combinations) == len(after.combinations) - 1
