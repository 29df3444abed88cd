"""The NHS.UK pieces pages repeat: what a table cell shows on narrow screens, and that text
put in any of them stays text."""

from __future__ import annotations

import pytest
from django.template import Context, Template, TemplateSyntaxError

HOSTILE = '<script>alert("x")</script>'


def render(source: str, **context: object) -> str:
    return Template("{% load nhsuk %}" + source).render(Context(context))


def test_a_cell_carries_its_column_heading_for_narrow_screens() -> None:
    html = render('{% cell "Population" %}<b>300,000</b>{% endcell %}')
    assert html == (
        '<td class="nhsuk-table__cell"><span class="nhsuk-table-responsive__heading"'
        ' aria-hidden="true">Population </span><b>300,000</b></td>'
    )


def test_a_cell_escapes_text_from_the_record_in_its_heading_class_and_content() -> None:
    html = render(
        "{% cell heading class=extra %}{{ name }}{% endcell %}",
        heading=HOSTILE,
        extra='x" onclick="y',
        name=HOSTILE,
    )
    assert "<script>" not in html
    assert 'onclick="y"' not in html
    assert html.count("&lt;script&gt;") == 2
    assert 'class="nhsuk-table__cell x&quot; onclick=&quot;y"' in html


def test_the_wrapping_pieces_escape_what_they_are_given() -> None:
    html = render(
        "{% summary_row key %}{{ value }}{% endsummary_row %}"
        '{% link_button "/remove/" label %}{{ value }}{% endlink_button %}',
        key=HOSTILE,
        value=HOSTILE,
        label=HOSTILE,
    )
    assert "<script>" not in html
    assert html.count("&lt;script&gt;") == 4  # the key, the label and the value twice


def test_too_many_positional_arguments_are_a_template_error() -> None:
    with pytest.raises(TemplateSyntaxError, match="cell takes at most 1 positional"):
        render('{% cell "A" "B" %}x{% endcell %}')


def test_a_cell_left_open_is_a_template_error() -> None:
    with pytest.raises(TemplateSyntaxError, match="needs its"):
        render('{% cell "A" %}x{% cell "B" %}y{% endcell %}')
    with pytest.raises(TemplateSyntaxError, match="needs its"):
        render('{% cell "A" %}x')


def test_a_back_link_before_the_main_content_is_in_a_navigation_landmark() -> None:
    html = render(
        '{% navigation_landmark "Back" %} <a class="nhsuk-back-link" href="/">Home</a>'
        "{% endnavigation_landmark %}"
    )
    assert html == ('<nav aria-label="Back"> <a class="nhsuk-back-link" href="/">Home</a></nav>')


def test_no_navigation_landmark_is_drawn_around_nothing_or_around_a_breadcrumb() -> None:
    assert render('{% navigation_landmark "Back" %}\n  {% endnavigation_landmark %}') == ""
    breadcrumb = '\n<nav class="nhsuk-breadcrumb" aria-label="Breadcrumb"><ol></ol></nav>'
    assert (
        render('{% navigation_landmark "Back" %}' + breadcrumb + "{% endnavigation_landmark %}")
        == breadcrumb
    )
