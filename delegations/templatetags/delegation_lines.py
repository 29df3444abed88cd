"""The rows of a place's schemes of delegation, `{{ group.lines|line_rows }}`: drawn from one
format string rather than a template loop, as core's nhsuk tags draw repeated pieces, because
a page of schemes holds dozens of lines of five cells each and the loop cost more than the
rest of the page. The cells are the NHS.UK responsive table's, as `{% cell %}` draws them."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from core.templatetags.nhsuk import cell_opening
from delegations.selectors import PlaceLine

register = template.Library()

COLUMNS = ("Reference", "Who decides", "Value", "Place", "Conditions")
CELLS = "".join(f"\n      {cell_opening(heading, '')}{{}}</td>" for heading in COLUMNS)
ROW = f'\n    <tr class="nhsuk-table__row">{CELLS}\n    </tr>'
RESERVED = mark_safe('<strong class="nhsuk-tag nhsuk-tag--purple">Reserved to the board</strong>')


@register.filter
def line_rows(lines: Iterable[PlaceLine]) -> SafeString:
    """A table row per line: reference, who decides (or reserved to the board), value, place
    and conditions, each escaped (conditions arrive escaped, with their line breaks)."""
    return format_html_join(
        "",
        ROW,
        (
            (
                line.reference,
                RESERVED if line.reserved else line.delegate,
                line.band,
                line.place_name,
                line.conditions,
            )
            for line in lines
        ),
    )
