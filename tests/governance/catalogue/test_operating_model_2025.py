"""The 2025 operating model against its sources, item by item: the two delivery archetypes of
the NHS Confederation paper (reference files 000 and 004), who may hold each function, their
budget forms, the three principles to guide change and the five geographical scales; the
lessons of each integration form (file 003); and the loader for the new file, including the
old migrations that load the catalogue with models that predate it.

Each source string of the data names a file and a heading; the tests check that the heading is
in that file and that a short key phrase of the fact it restates follows it there, and that
no run of eight words of the data is copied from a source."""

from __future__ import annotations

import json
import os
import re
from datetime import date
from pathlib import Path

import pytest
from django.db.migrations.loader import MigrationLoader

from governance.catalogue import models as catalogue
from governance.catalogue.archetypes import BUDGET_FORM_NAMES, FUNCTION_NAMES, HOLDER_KINDS
from governance.catalogue.loader import (
    CATALOGUE_DIR,
    DEFAULT_FILES,
    FILES_2021,
    catalogue_load,
    catalogue_load_all,
)
from governance.delivery.models import BudgetForm, DeliveryFunction

pytestmark = pytest.mark.django_db

SLUG = "operating-model-2025"
FILE_2025 = CATALOGUE_DIR / "operating_model_2025.json"
REFERENCE_DIR = Path(os.environ.get("REFERENCE_DIR", "/work/shared/reference"))

# Who may hold each function, as the brief of issue 17 reads the archetypes slide (000).
HOLDERS = {
    1: {
        "strategic_commissioning": ["icb"],
        "integrator": ["icb", "provider", "place_body"],
        "budget_holding": ["icb", "place_body", "council"],
        "contract_holding": ["icb", "place_body", "provider"],
        "gp_contracts": ["icb"],
        "neighbourhood_delivery": ["provider", "gp_practices", "vcse", "place_body", "council"],
    },
    2: {
        "strategic_commissioning": ["icb"],
        "integrator": ["lead_care_provider"],
        "budget_holding": ["lead_care_provider"],
        "contract_holding": ["lead_care_provider"],
        "gp_contracts": ["lead_care_provider", "gp_practices"],
        "neighbourhood_delivery": ["lead_care_provider", "provider", "gp_practices", "vcse"],
    },
}
BUDGET_FORMS = {1: ["delegated", "pooled_section_75"], 2: ["capitated"]}

# (option, source key) → (file, a short phrase of the source passage the data restates).
KEY_PHRASES = {
    (1, "strategic_commissioning"): ("000", "commissioning function is held by ICBs"),
    (1, "integrator"): ("000", "could be held by the ICB or shared with providers"),
    (1, "budget_holding"): ("000", "significant delegation to place"),
    (1, "contract_holding"): ("000", "ability to hold contracts"),
    (1, "gp_contracts"): ("000", "commissioning function is held by ICBs"),
    (1, "neighbourhood_delivery"): ("004", "involve the PCN, provider collaboratives"),
    (1, "budget_form"): ("000", "starting with enhanced and transformational resource"),
    (1, "section_75"): ("000", "joint commissioning"),
    (2, "strategic_commissioning"): ("000", "commissioning function is held by ICBs"),
    (2, "integrator"): ("000", "integrator function sits within the lead care provider"),
    (2, "budget_holding"): ("000", "risk-based capitated budget"),
    (2, "contract_holding"): ("000", "sub-contracts to other providers (including VCSE)"),
    (2, "gp_contracts"): ("000", "takes on the GMS contracts"),
    (2, "neighbourhood_delivery"): ("000", "at place and neighbourhood"),
    (2, "budget_form"): ("000", "defined population cohort"),
    (2, "section_75"): ("000", "wider determinants of health"),
}

# Each tier: (slug, typical from, typical to, largest, phrases of 004 giving its population).
TIERS = [
    ("national", None, None, None, []),
    ("regional", None, None, None, []),
    ("system", 1_000_000, 3_000_000, None, ["1 million to 3 million people"]),
    ("place", 250_000, 500_000, 1_200_000, ["250,000-500,000", "up to 1.2 million people"]),
    ("neighbourhood", 30_000, 50_000, None, ["30,000 to 50,000 people"]),
]
# Each tier's core functions, by a phrase of 004's "System governance and core functions".
TIER_PHRASES = {
    "national": ["best done once nationally", "enabling environment"],
    "regional": ["bridge the gap between national policy", "strategic workforce planning"],
    "system": ["four purposes", "three shifts"],
    "place": ["engine rooms of integrated care", "community first"],
    "neighbourhood": ["proactive, personalised and holistic", "biopsychosocial"],
}

PRINCIPLES = {
    1: ("Devolution and subsidiarity", "Devolution and the principle of subsidiarity"),
    2: ("A system approach to change", "A system approach to change"),
    3: ("Clarity and accountability", "Clarity and accountability"),
}

# The lessons of each integration form (file 003), each by a phrase of the source and one of
# the data's points.
FORM_LESSONS = {
    "sub-contractor": [
        ("at least five years and, in many cases, 10 to 15 years", "at least five years"),
        ("requiring parent company guarantees", "parent company guarantees"),
        ("penalties for contract termination", "penalties"),
        ("giving up their GMS/PMS contracts", "GMS or PMS"),
    ],
    "contractual-joint-venture": [
        ("whether to make decisions on a majority or unanimous basis", "majority"),
        ("which are reserved for individual participants", "keeps for itself"),
        ("easier to exit if needed", "more easily"),
        ("at least five years and, in many cases, 10 to 15 years", "10 to 15"),
        ("participating in the governance of the partnership but not", "without bearing risk"),
    ],
    "corporate-joint-venture": [
        ("which issues are referred back to shareholders", "referred back to the shareholders"),
        ("has limited liability", "limited liability"),
        ("give guarantees to cover", "guarantee its performance"),
        ("a more significant transfer of sovereignty", "sovereignty"),
        ("the weight of each participant", "weight"),
        ("VAT liabilities", "VAT"),
    ],
    "merger": [
        ("Full pooling of", "pooled in one organisation"),
        ("pooling of sovereignty and risk and reward", "pool sovereignty"),
        ("salaried employees", "salaried employees"),
    ],
}


@pytest.fixture
def framework() -> catalogue.OptionFramework:
    catalogue_load_all()  # the migration loaded it; a flushed transactional test may not have
    return catalogue.OptionFramework.objects.get(slug=SLUG)


def _flat(text: str) -> str:
    """Text with its whitespace folded and its typographic dashes and quotes made plain, so a
    phrase matches across the source's line breaks."""
    text = text.replace("\u2013", "-").replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(text.split())


@pytest.fixture(scope="module")
def sources() -> dict[str, str]:
    """The reference files by their number ("000", "003", "004"), read flat. They are the
    project's shared sources, not part of the repository: without them these checks skip."""
    if not REFERENCE_DIR.is_dir():
        pytest.skip(f"The reference documents are not at {REFERENCE_DIR} (set REFERENCE_DIR)")
    return {
        number: _flat(next(REFERENCE_DIR.glob(f"{number}_*.txt")).read_text(encoding="utf-8"))
        for number in ("000", "003", "004")
    }


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _copied_runs(text: str, source: str, length: int = 8) -> list[str]:
    """Runs of `length` words of `text` that the source has word for word."""
    source_words = " " + " ".join(_words(source)) + " "
    words = _words(text)
    return [
        " ".join(words[i : i + length])
        for i in range(len(words) - length + 1)
        if f" {' '.join(words[i : i + length])} " in source_words
    ]


def _headings(source_string: str) -> list[str]:
    return re.findall(r"“([^”]+)”", source_string)


def _files(source_string: str) -> list[str]:
    return re.findall(r"[Ff]ile (\d{3})", source_string)


def _passage_after(source: str, heading: str, phrase: str, within: int = 4000) -> bool:
    """Whether `phrase` follows an occurrence of `heading` within `within` characters."""
    for match in re.finditer(re.escape(heading), source):
        if phrase in source[match.end() : match.end() + within]:
            return True
    return False


# The framework --------------------------------------------------------------------------------


def test_the_framework_is_the_papers_archetypes(framework):
    assert framework.kind == catalogue.FrameworkKind.ARCHETYPES
    assert framework.published_on == date(2025, 5, 1)
    assert "NHS Confederation" in framework.source and "May 2025" in framework.source
    assert "000" in framework.source and "004" in framework.source
    assert not framework.combinations.exists()
    assert not framework.suggested_ratings.exists()


def test_the_2021_framework_is_of_the_arrangements_kind(framework):
    other = catalogue.OptionFramework.objects.get(slug="ics-design-framework-2021")
    assert other.kind == catalogue.FrameworkKind.ARRANGEMENTS


@pytest.mark.parametrize("number", [1, 2, 3])
def test_each_principle_is_one_of_the_papers_three(framework, sources, number):
    principle = framework.principles.get(number=number)
    name, heading = PRINCIPLES[number]
    assert principle.name == name
    assert principle.summary and len(principle.sub_points) >= 3
    # The paper's heading, under "Principles to guide change".
    assert _passage_after(sources["004"], "Principles to guide change", heading, within=6000)
    assert _copied_runs(" ".join([principle.summary, *principle.sub_points]), sources["004"]) == []


def test_there_are_exactly_three_principles(framework):
    assert list(framework.principles.values_list("number", flat=True)) == [1, 2, 3]


# The archetypes -------------------------------------------------------------------------------


def test_the_two_archetypes_each_stand_alone(framework):
    options = list(framework.options.all())
    assert [(o.number, o.name) for o in options] == [
        (1, "Place partnership"),
        (2, "Lead care provider/partnership"),
    ]
    assert all(o.stands_alone for o in options)
    assert [o.readiness_notes[0].split(":")[0] for o in options] == [
        "An existing model",
        "An emerging model",
    ]


@pytest.mark.parametrize("number", [1, 2])
def test_each_archetypes_holders_and_budget_forms(framework, number):
    option = framework.options.get(number=number)
    assert option.function_holders == HOLDERS[number]
    assert option.budget_forms == BUDGET_FORMS[number]
    assert option.asks_of_local_government and option.asks_of_primary_care
    assert "section 75" in option.asks_of_local_government


def test_the_holder_vocabulary_is_the_design_checks(framework):
    """Every holder is a kind the pages and the design check name; every function and budget
    form is one a place records (governance.delivery), named the same way."""
    assert set(HOLDER_KINDS) == {
        "icb",
        "council",
        "lead_care_provider",
        "provider",
        "place_body",
        "gp_practices",
        "vcse",
    }
    assert dict(DeliveryFunction.choices) == FUNCTION_NAMES
    assert dict(BudgetForm.choices) == BUDGET_FORM_NAMES
    for option in framework.options.all():
        # As a set: PostgreSQL keeps a JSON object's keys in an order of its own.
        assert set(option.function_holders) == set(FUNCTION_NAMES)
        for holders in option.function_holders.values():
            assert holders and set(holders) <= set(HOLDER_KINDS)
        assert set(option.budget_forms) <= set(BUDGET_FORM_NAMES)


@pytest.mark.parametrize(("number", "key"), sorted(KEY_PHRASES))
def test_each_source_string_points_at_the_passage(framework, sources, number, key):
    """The source string names the file and the heading of its passage, and the fact's key
    phrase follows that heading in that file."""
    said = framework.options.get(number=number).sources[key]
    file, phrase = KEY_PHRASES[(number, key)]
    assert file in _files(said), said
    headings = _headings(said)
    assert headings, said
    for heading in headings:
        assert any(heading in sources[f] for f in _files(said)), heading
    assert any(_passage_after(sources[file], heading, phrase) for heading in headings), (
        f"{phrase!r} does not follow {headings} in file {file}"
    )


@pytest.mark.parametrize("number", [1, 2])
def test_an_archetype_is_restated_never_copied(framework, sources, number):
    option = framework.options.get(number=number)
    text = " ".join(
        [
            option.summary,
            option.decision_making,
            option.contracts_and_budgets,
            option.asks_of_local_government,
            option.asks_of_primary_care,
            *option.key_features,
            *option.benefits,
            *option.risks,
            *option.readiness_notes,
            # The headings a source string cites are the source's own words, by design.
            *(re.sub(r"“[^”]+”", "", said) for said in option.sources.values()),
        ]
    )
    for file in ("000", "004"):
        assert _copied_runs(text, sources[file]) == [], file


# The geographical scales -----------------------------------------------------------------------


def test_the_tiers_and_their_populations(framework, sources):
    tiers = list(framework.tiers.order_by("order"))
    assert [t.slug for t in tiers] == [slug for slug, *_ in TIERS]
    for tier, (slug, low, high, largest, phrases) in zip(tiers, TIERS, strict=True):
        assert (tier.typical_from, tier.typical_to, tier.largest) == (low, high, largest), slug
        for phrase in phrases:
            assert phrase in sources["004"], phrase
            if phrase.startswith("up to"):
                assert str(largest // 100_000 / 10) in tier.source, slug


@pytest.mark.parametrize("slug", list(TIER_PHRASES))
def test_each_tiers_core_functions_point_at_the_paper(framework, sources, slug):
    tier = framework.tiers.get(slug=slug)
    assert tier.core_functions
    assert "004" in _files(tier.source)
    for heading in _headings(tier.source):
        assert heading in sources["004"], heading
    # In the section on each scale's core functions, or in the annex that follows it.
    for phrase in TIER_PHRASES[slug]:
        assert _passage_after(
            sources["004"], "System governance and core functions", phrase, len(sources["004"])
        ), phrase
    assert _copied_runs(" ".join(tier.core_functions), sources["004"]) == []


# The integration forms' lessons (file 003) --------------------------------------------------


@pytest.mark.parametrize("slug", list(FORM_LESSONS))
def test_each_integration_form_carries_the_reports_lessons(framework, sources, slug):
    model = catalogue.DeliveryModel.objects.get(slug=slug)
    assert model.kind == catalogue.DeliveryModelKind.INTEGRATION_FORM
    points = " ".join(model.points)
    for phrase, restated in FORM_LESSONS[slug]:
        assert phrase in sources["003"], phrase
        assert restated in points, (slug, restated)
    assert _copied_runs(points, sources["003"]) == []


def test_only_the_integration_forms_carry_points(framework):
    with_points = set(
        catalogue.DeliveryModel.objects.exclude(points=[]).values_list("slug", flat=True)
    )
    assert with_points == set(FORM_LESSONS)


# The loader -----------------------------------------------------------------------------------


def _snapshot() -> tuple:
    return (
        list(catalogue.OptionFramework.objects.order_by("pk").values_list("pk", "slug", "kind")),
        list(
            catalogue.GovernanceOption.objects.order_by("pk").values_list(
                "pk", "number", "function_holders", "budget_forms", "asks_of_primary_care"
            )
        ),
        list(
            catalogue.GeographicTier.objects.order_by("pk").values_list(
                "pk", "slug", "typical_from", "typical_to", "largest", "core_functions"
            )
        ),
        list(catalogue.DeliveryModel.objects.order_by("pk").values_list("pk", "slug", "points")),
    )


def test_the_default_files_include_the_2025_framework():
    assert FILE_2025 in DEFAULT_FILES and FILE_2025 not in FILES_2021
    data = json.loads(FILE_2025.read_text(encoding="utf-8"))
    assert data["framework"]["slug"] == SLUG


def test_loading_the_2025_file_again_changes_nothing(framework):
    before = _snapshot()
    counts = catalogue_load(path=FILE_2025)
    catalogue_load(path=FILE_2025)
    assert counts == {
        "frameworks": 1,
        "principles": 3,
        "options": 2,
        "combinations": 0,
        "suggested_ratings": 0,
        "tiers": 5,
    }
    assert _snapshot() == before


def test_the_loader_restores_a_tier_and_removes_one_the_file_does_not_list(framework):
    catalogue.GeographicTier.objects.filter(framework=framework, slug="place").update(largest=9)
    catalogue.GeographicTier.objects.create(framework=framework, slug="ward", name="Ward")
    catalogue_load(path=FILE_2025)
    assert framework.tiers.get(slug="place").largest == 1_200_000
    assert not framework.tiers.filter(slug="ward").exists()


def test_the_loader_works_with_the_models_of_an_old_migration(framework):
    """Migration 0002 loads the catalogue with its own models, which have no framework kind,
    no archetype fields, no delivery model points and no GeographicTier: the loader writes
    what they have and leaves the rest as it is."""
    state = MigrationLoader(None, ignore_no_migrations=True).project_state(
        ("governance", "0002_option_powers_and_ratings_in_context")
    )
    with pytest.raises(LookupError):
        state.apps.get_model("governance", "GeographicTier")
    before = _snapshot()
    counts = catalogue_load_all(apps=state.apps, files=FILES_2021)
    assert "tiers" not in counts
    assert _snapshot() == before
