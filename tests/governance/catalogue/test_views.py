"""The catalogue pages: public guidance for anyone signed in."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from governance.catalogue.loader import catalogue_load_all

pytestmark = pytest.mark.django_db

PAGES = [
    ("governance:options", {}),
    ("governance:option_detail", {"number": 1}),
    ("governance:option_detail", {"number": 5}),
    ("governance:ratings", {}),
    ("governance:explorer", {}),
    ("governance:delivery_models", {}),
]
NO_RATING = "No suggested rating in the source"


@pytest.fixture(autouse=True)
def catalogue(db: None) -> None:
    catalogue_load_all()


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_pages_render_for_a_member(client, world, name, kwargs):
    client.force_login(world.member_a)
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    assert b"Governance options" in response.content  # the header link


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_pages_send_anonymous_people_to_sign_in(client, name, kwargs):
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_unknown_option_or_framework_is_not_found(client, world):
    client.force_login(world.member_a)
    assert client.get(reverse("governance:option_detail", args=[9])).status_code == 404
    assert client.get(reverse("governance:options") + "?framework=nope").status_code == 404
    named = client.get(reverse("governance:options") + "?framework=ics-design-framework-2021")
    assert named.status_code == 200


def test_option_detail_shows_content_and_ratings(client, world):
    client.force_login(world.member_a)
    page = client.get(reverse("governance:option_detail", args=[4])).content.decode()
    for text in (
        "Key features",
        "Benefits",
        "Risks",
        "How decisions are made",
        "Where contracts and budgets sit",
        "as a standalone option",
    ):
        assert text in page, text
    assert "Option 4 with option 1" in page
    assert "1. Partnership board with 4. Individual director" in page
    # 2+3+4 is allowed but unrated by the source.
    assert "Option 4 with options 2 and 3" in page
    assert "2. ICB committee with 3. Joint committee with 4. Individual director" in page
    assert NO_RATING in page
    lead = client.get(reverse("governance:option_detail", args=[5])).content.decode()
    assert "No other option: it stands alone" in lead
    assert "the lead must be a statutory organisation" in lead


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_the_ratings_page_has_one_name_in_its_heading_title_and_every_pages_menu(
    client, world, name, kwargs
):
    client.force_login(world.member_a)
    page = client.get(reverse(name, kwargs=kwargs)).content.decode()
    links = re.findall(r'href="/options/ratings/"[^>]*>([^<]*)</a>', page)
    assert links == ([] if name == "governance:option_detail" else ["Suggested ratings"])
    assert "Ratings matrix" not in page and "heat map" not in page
    if name == "governance:ratings":
        assert "<title>Suggested ratings – Place Governance Designer</title>" in page
        assert "<h1>Suggested ratings</h1>" in page


def test_the_matrix_names_bands_in_words_and_says_where_there_is_none(client, world):
    client.force_login(world.member_a)
    page = client.get(reverse("governance:ratings")).content.decode()
    assert "app-band--low_medium" in page and "LOW/MEDIUM" in page
    assert "depending on strength of partnership" in page
    # The key; then every option of 2+3 and of 2+3+4 × 3 principles; then option 2 in 2+4
    # and option 3 in 3+4, which the source rates only against the first two principles.
    assert page.count(NO_RATING) == 1 + 2 * 3 + 3 * 3 + 1 + 1


def row_of(page: str, label: str) -> str:
    """The heat map row whose heading starts with `label`."""
    start = page.index(f'scope="row">{label}<')
    return page[start : page.index("</tr>", start)]


def bands_in(row: str) -> list[str]:
    return re.findall(r"app-band--(\w+)", row)


def test_the_matrix_shows_both_cells_of_a_combination_each_by_the_option_it_rates(client, world):
    client.force_login(world.member_a)
    page = client.get(reverse("governance:ratings")).content.decode()
    assert bands_in(row_of(page, "Option 1 with option 4")) == ["medium"] * 3
    assert bands_in(row_of(page, "Option 4 with option 1")) == ["low_medium"] * 3
    assert bands_in(row_of(page, "Option 4 with option 2")) == ["medium_high"] * 3
    assert bands_in(row_of(page, "Option 2 with option 4")) == ["medium_high"] * 2 + ["none"]
    assert "merged" not in page and "weaker band" not in page


@pytest.mark.parametrize(
    ("number", "band"), [(1, "medium"), (4, "low_medium")], ids=["option 1", "option 4"]
)
def test_each_options_page_shows_its_own_cell_of_a_combination(client, world, number, band):
    client.force_login(world.member_a)
    page = client.get(reverse("governance:option_detail", args=[number])).content.decode()
    other = 5 - number
    row = row_of(page, f"Option {number} with option {other}")
    assert bands_in(row) == [band] * 3
    # The partner's cell of 1+4 is on the partner's page, not here.
    assert f"Option {other} with option {number}" not in page
    assert bands_in(row_of(page, f"Option {number} alone"))


def test_the_catalogue_pages_say_when_the_framework_was_published(client, world):
    client.force_login(world.member_a)
    for name, kwargs in PAGES[:5]:
        page = client.get(reverse(name, kwargs=kwargs)).content.decode()
        assert "Published June 2021" in page, name


@pytest.mark.parametrize(
    "url",
    [
        reverse("governance:options"),
        reverse("governance:option_detail", args=[1]),
        reverse("governance:option_detail", args=[2]),
        reverse("governance:option_detail", args=[3]),
        reverse("governance:option_detail", args=[4]),
        reverse("governance:explorer") + "?options=2&options=3",
    ],
)
def test_dated_advice_reads_as_the_frameworks_never_as_current(client, world, url):
    client.force_login(world.member_a)
    page = client.get(url).content.decode()
    assert "April 2022" in page
    for found in re.finditer("April 2022", page):
        note = page[page.rindex("<li>", 0, found.start()) : found.start()]
        assert note.startswith("<li>In the 2021 framework: "), note


def explore(client, numbers, **headers):
    query = "&".join(f"options={n}" for n in numbers)
    return client.get(reverse("governance:explorer") + "?" + query, **headers)


def test_the_explorer_returns_just_the_result_over_htmx(client, world, htmx_headers):
    client.force_login(world.member_a)
    full = explore(client, [1, 4])
    partial = explore(client, [1, 4], **htmx_headers)
    assert b"<html" in full.content and b'id="explorer-result"' in full.content
    assert b"<html" not in partial.content and b'id="explorer-result"' not in partial.content
    assert b"Allowed" in partial.content and b"LOW/MEDIUM" in partial.content
    # Each option of the combination, rated in the context of the other.
    assert b"Suggested ratings: Option 1 with option 4" in partial.content
    assert b"Suggested ratings: Option 4 with option 1" in partial.content
    assert b"Risks to weigh" in partial.content
    assert "HX-Request" in partial["Vary"]


def test_the_explorer_refuses_one_and_two_naming_the_rule(client, world, htmx_headers):
    client.force_login(world.member_a)
    page = explore(client, [1, 2], **htmx_headers).content.decode()
    assert "Not allowed" in page
    assert "Option 1 (Partnership board) can be combined only with option 4." in page
    assert "Option 2 (ICB committee) can be combined only with option 3 or 4." in page


@pytest.mark.parametrize("other", [1, 2, 3, 4])
def test_the_explorer_says_five_stands_alone(client, world, htmx_headers, other):
    client.force_login(world.member_a)
    page = explore(client, [5, other], **htmx_headers).content.decode()
    assert "Not allowed" in page
    assert "Option 5 (Lead provider) stands alone" in page


def test_the_explorer_says_when_an_allowed_set_has_no_rating(client, world, htmx_headers):
    client.force_login(world.member_a)
    page = explore(client, [2, 3, 4], **htmx_headers).content.decode()
    assert "Allowed" in page
    # Said plainly for each of the three options, with no empty table.
    assert page.count(NO_RATING) == 3
    assert "No suggested rating in the source for option 2 with options 3 and 4." in page
    assert "app-heatmap" not in page


def test_the_explorer_rejects_what_is_not_an_option(client, world):
    client.force_login(world.member_a)
    response = client.get(reverse("governance:explorer") + "?options=x")
    assert response.status_code == 200
    assert b"Choose from the options listed." in response.content


def compare(client, slugs, **extra):
    query = "&".join(f"models={s}" for s in slugs)
    return client.get(reverse("governance:delivery_models") + "?compare=1&" + query, **extra)


def test_comparing_two_to_four_delivery_models(client, world):
    client.force_login(world.member_a)
    page = compare(client, ["alliance", "lead-provider", "merger"]).content.decode()
    assert "Side by side" in page and "There is a problem" not in page
    assert "Who holds the contract" in page and "Time-limited" in page


@pytest.mark.parametrize(
    ("slugs", "message"),
    [
        ([], "Tick at least 2 delivery models to compare"),
        (["alliance"], "Tick at least 2 delivery models to compare; you ticked 1."),
        (
            ["alliance", "federation", "merger", "integrator", "lead-provider"],
            "Tick no more than 4 delivery models to compare; you ticked 5.",
        ),
        (["alliance", "made-up"], "Choose from the delivery models listed."),
    ],
)
def test_comparison_needs_two_to_four_models(client, world, slugs, message):
    client.force_login(world.member_a)
    page = compare(client, slugs).content.decode()
    assert "There is a problem" in page and message in page
    assert "Side by side" not in page


def test_the_library_without_a_comparison_shows_no_error(client, world):
    client.force_login(world.member_a)
    page = client.get(reverse("governance:delivery_models")).content.decode()
    assert "There is a problem" not in page
    for kind in ("Delivery models", "Delivery model archetypes", "Integration forms"):
        assert f"<h2>{kind}</h2>" in page


@pytest.mark.parametrize("numbers", [[1], [1, 4], [2, 3, 4], [1, 2], [5, 2], []])
def test_explorer_partial_queries_are_few_and_constant(
    client, world, htmx_headers, django_assert_max_num_queries, numbers
):
    client.force_login(world.member_a)
    explore(client, [1], **htmx_headers)  # warm the session
    with django_assert_max_num_queries(6):
        assert explore(client, numbers, **htmx_headers).status_code == 200


def test_matrix_queries_are_few_and_constant(client, world, django_assert_max_num_queries):
    client.force_login(world.member_a)
    client.get(reverse("governance:ratings"))
    with django_assert_max_num_queries(9):
        assert client.get(reverse("governance:ratings")).status_code == 200


@pytest.mark.parametrize("number", [1, 4, 5])
def test_option_page_queries_are_few_and_constant(
    client, world, number, django_assert_max_num_queries
):
    client.force_login(world.member_a)
    client.get(reverse("governance:option_detail", args=[number]))
    with django_assert_max_num_queries(6):
        response = client.get(reverse("governance:option_detail", args=[number]))
        assert response.status_code == 200


def test_options_page_queries_are_few(client, world, django_assert_max_num_queries):
    client.force_login(world.member_a)
    client.get(reverse("governance:options"))
    with django_assert_max_num_queries(7):
        assert client.get(reverse("governance:options")).status_code == 200


def test_the_admin_refuses_a_combination_that_breaks_the_rules(client, world):
    from governance.catalogue.models import OptionFramework
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    framework = OptionFramework.objects.get(slug="ics-design-framework-2021")
    url = reverse("admin:governance_allowedcombination_add")
    for key, message in [
        ("4+1", "ascending order"),
        ("1", "two or more options"),
        ("1+9", "no option 9"),
        ("4+5", "stands alone"),
    ]:
        response = client.post(url, {"framework": framework.pk, "key": key, "summary": ""})
        assert response.status_code == 200, key
        assert message in response.content.decode(), key
    assert client.get(reverse("admin:governance_suggestedrating_changelist")).status_code == 200


def test_the_admin_keeps_a_suggested_rating_within_its_option_set(client, world):
    from governance.catalogue.models import OptionFramework, SuggestedRating
    from tests.factories import UserFactory, make_framework

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    framework = OptionFramework.objects.get(slug="ics-design-framework-2021")
    other = make_framework(slug="another")
    url = reverse("admin:governance_suggestedrating_add")

    def post(number: int, key: str, *, option_framework=framework):
        return client.post(
            url,
            {
                "framework": framework.pk,
                "option": option_framework.options.get(number=number).pk,
                "option_set": key,
                "principle": framework.principles.get(number=3).pk,
                "band": "high",
                "qualifier": "",
                "rationale": "[]",
            },
        )

    for number, key, message in [
        (2, "1+4", "Option 2 is not in 1+4"),
        (1, "4+1", "ascending order"),
        (2, "1+2", "1+2 is not an allowed combination"),
        (2, "2", "Choose an option of the same framework"),
    ]:
        response = post(number, key, option_framework=other if key == "2" else framework)
        assert response.status_code == 200, key
        assert message in response.content.decode(), key
    before = SuggestedRating.objects.count()
    assert post(2, "2+4").status_code == 302  # option 2 with option 4, principle 3: unrated
    assert SuggestedRating.objects.count() == before + 1
    page = client.get(reverse("admin:governance_suggestedrating_changelist")).content.decode()
    assert "2+4" in page


def test_an_edit_to_the_framework_shows_at_once_on_the_pages_that_keep_it_per_process(
    client, world
):
    """The pages read the framework once per process and version; an edit in the admin moves
    the version, so the next page shows it."""
    from governance.catalogue.models import AllowedCombination, GovernanceOption

    client.force_login(world.member_a)
    explorer = reverse("governance:explorer") + "?options=1&options=4"
    assert b"Renamed in the admin" not in client.get(reverse("governance:options")).content
    client.get(explorer)  # the framework is now kept by this process

    option = GovernanceOption.objects.get(number=1, framework__slug="ics-design-framework-2021")
    option.name = "Renamed in the admin"
    option.save()
    combination = AllowedCombination.objects.get(key="1+4", framework=option.framework)
    combination.summary = "A note written today."
    combination.save()

    assert b"Renamed in the admin" in client.get(reverse("governance:options")).content
    assert b"A note written today." in client.get(explorer).content
