"""NHS.UK frontend pieces that pages repeat: table heads, responsive cells, summary-list rows,
error summaries, the navigation before a page's content and warning buttons drawn as links.
Each is written once: the table head as a template under templates/nhsuk/, the others as
format strings here (rows draw them dozens of times a page, where a template apiece cost a
third of the page's time); a cell whose heading is written in the template becomes plain
text when the template is read.

    {% load nhsuk %}
    {% table_head "Place" "Status" actions=True %}
    {% cell "Place" %}{{ place.name }}{% endcell %}
    {% summary_row "Population" %}{{ place.population }}{% endsummary_row %}
    {% error_summary "keep-error-title" %}<p>{{ keep_error }}</p>{% enderror_summary %}
    {% navigation_landmark "Back" %}<a class="nhsuk-back-link" href="/">Home</a>{% endnavigation_landmark %}
    {% link_button remove_url "Remove" target="#scheme-lines" %}the line for {{ name }}{% endlink_button %}
"""

from collections.abc import Callable
from typing import Any

from django import template
from django.template.base import (
    FilterExpression,
    NodeList,
    Parser,
    TextNode,
    Token,
    TokenType,
    Variable,
    token_kwargs,
)
from django.template.defaulttags import CsrfTokenNode
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.inclusion_tag("nhsuk/table_head.html")
def table_head(*headings: str, actions: bool = False) -> dict[str, Any]:
    """A table's head row; `actions` adds a last column, headed for screen readers only, for row actions."""
    return {"headings": headings, "actions": actions}


def tag_arguments(
    parser: Parser, token: Token, arg_names: tuple[str, ...]
) -> dict[str, FilterExpression]:
    """`{% name arg… key=value… %}`: its arguments by name (positional ones fill `arg_names`
    in order)."""
    name, *bits = token.split_contents()
    positional = [bit for bit in bits if "=" not in bit]
    if len(positional) > len(arg_names):
        raise template.TemplateSyntaxError(
            f"{name} takes at most {len(arg_names)} positional arguments"
        )
    arguments = {
        arg_name: parser.compile_filter(bit)
        for arg_name, bit in zip(arg_names, positional, strict=False)
    }
    arguments.update(token_kwargs([bit for bit in bits if "=" in bit], parser))
    return arguments


def parse_wrapping_tag(
    parser: Parser, token: Token, arg_names: tuple[str, ...]
) -> tuple[dict[str, FilterExpression], NodeList]:
    """`{% name arg… key=value… %}…{% endname %}`: its arguments by name and its content."""
    arguments = tag_arguments(parser, token, arg_names)
    nodelist = parser.parse((f"end{token.split_contents()[0]}",))
    parser.delete_first_token()
    return arguments, nodelist


Drawing = Callable[[dict[str, Any], SafeString, template.Context], SafeString]
"""How a wrapping tag draws itself: from its arguments, its rendered content and the context."""


class WrappingNode(template.Node):
    """Draws `draw(arguments, content, context)` around the tag's content."""

    def __init__(
        self, draw: Drawing, arguments: dict[str, FilterExpression], nodelist: NodeList
    ) -> None:
        self.draw = draw
        self.arguments = arguments
        self.nodelist = nodelist

    def render(self, context: template.Context) -> SafeString:
        values = {name: value.resolve(context) for name, value in self.arguments.items()}
        return self.draw(values, self.nodelist.render(context), context)


def wrapping_tag(name: str, arg_names: tuple[str, ...]) -> Callable[[Drawing], Drawing]:
    """Registers `{% name arg… key=value… %}…{% endname %}`, drawn by the decorated function.
    The pieces are format strings rather than templates: rows draw them dozens of times a
    page, and a template apiece cost more than the rest of the row."""

    def register_drawing(draw: Drawing) -> Drawing:
        def compile_tag(parser: Parser, token: Token) -> WrappingNode:
            return WrappingNode(draw, *parse_wrapping_tag(parser, token, arg_names))

        register.tag(name, compile_tag)
        return draw

    return register_drawing


@wrapping_tag("summary_row", ("key",))
def summary_row(values: dict[str, Any], content: SafeString, _: template.Context) -> SafeString:
    """A row of a summary list: `key`, then the tag's content as its value."""
    return format_html(
        '<div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">{}</dt>'
        '<dd class="nhsuk-summary-list__value">{}</dd></div>',
        values.get("key", ""),
        content,
    )


@wrapping_tag("navigation_landmark", ("label",))
def navigation_landmark(
    values: dict[str, Any], content: SafeString, _: template.Context
) -> SafeString:
    """Links drawn before a page's main content, such as a back link, in a navigation landmark
    named `label`, so that nothing on the page is outside a landmark. Nothing at all when there
    are no links (an empty landmark is noise to a screen reader), and the content as it is when
    it is already a navigation landmark, as a breadcrumb is."""
    if not content.strip():
        return SafeString("")
    if content.lstrip().startswith("<nav"):
        return content
    return format_html('<nav aria-label="{}">{}</nav>', values.get("label", ""), content)


@wrapping_tag("error_summary", ("title_id", "title"))
def error_summary(values: dict[str, Any], content: SafeString, _: template.Context) -> SafeString:
    """The error summary at the top of a form: `title` (by default "There is a problem") with
    the id `title_id`, then the tag's content."""
    return format_html(
        '<div class="nhsuk-error-summary" data-module="nhsuk-error-summary"'
        ' aria-labelledby="{}" role="alert" tabindex="-1">'
        '<h2 class="nhsuk-error-summary__title" id="{}">{}</h2>'
        '<div class="nhsuk-error-summary__body">{}</div></div>',
        values.get("title_id", ""),
        values.get("title_id", ""),
        values.get("title") or "There is a problem",
        content,
    )


@wrapping_tag("link_button", ("action", "label"))
def link_button(
    values: dict[str, Any], content: SafeString, context: template.Context
) -> SafeString:
    """A form that is one warning button drawn as a link, for a row's destructive action
    ("Remove", "Delete"): it posts to `action`, and the tag's content names, for screen
    readers only, what the button acts on. With `target` (a selector) it posts over htmx and
    swaps that element; `confirm` asks before posting; `form_class` classes the form."""
    action, target, confirm = values.get("action", ""), values.get("target"), values.get("confirm")
    form_class = values.get("form_class")
    return format_html(
        '<form{} action="{}" method="post"{}{}>{}'
        '<button class="app-link-button app-link-button--warning" type="submit">{}'
        '<span class="nhsuk-u-visually-hidden"> {}</span></button></form>',
        format_html(' class="{}"', form_class) if form_class else "",
        action,
        format_html(' hx-post="{}" hx-target="{}" hx-swap="outerHTML"', action, target)
        if target
        else "",
        format_html(' hx-confirm="{}"', confirm) if confirm else "",
        CsrfTokenNode().render(context),
        values.get("label", ""),
        content,
    )


def written_in_template(value: FilterExpression | None) -> bool:
    """Whether `value` is a literal in the template (or absent), the same on every render."""
    return value is None or (not isinstance(value.var, Variable) and not value.filters)


def cell_opening(heading: Any, extra_class: Any) -> SafeString:
    return format_html(
        '<td class="nhsuk-table__cell{}"><span class="nhsuk-table-responsive__heading"'
        ' aria-hidden="true">{} </span>',
        f" {extra_class}" if extra_class else "",
        heading,
    )


class CellOpeningNode(template.Node):
    """The opening of a cell whose heading or class is only known when the page is drawn."""

    def __init__(self, heading: FilterExpression | None, extra_class: FilterExpression | None):
        self.heading = heading
        self.extra_class = extra_class

    def render(self, context: template.Context) -> SafeString:
        return cell_opening(_value(self.heading, context), _value(self.extra_class, context))


def _value(argument: FilterExpression | None, context: template.Context) -> Any:
    return "" if argument is None else argument.resolve(context)


def _require_endcell(parser: Parser) -> None:
    """A cell must be closed before the next one opens."""
    upcoming: list[Token] = parser.tokens  # type: ignore[assignment]  # next one last
    for token in reversed(upcoming):
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split(maxsplit=1)[0] if token.contents else ""
            if name == "endcell":
                return
            if name == "cell":
                break
    raise template.TemplateSyntaxError("{% cell %} needs its {% endcell %} before the next cell.")


@register.tag("cell")
def cell(parser: Parser, token: Token) -> template.Node:
    """A responsive table's cell, `{% cell heading class=… %}…{% endcell %}`: its column's
    heading, shown on narrow screens only, then the content; `class` adds classes to the cell.
    Lists draw dozens of cells a page, so the tag only opens the cell and `endcell` closes it,
    leaving the content in the page's own template; a heading and class written in the template
    become plain text when it is read, costing nothing per cell when a page is drawn."""
    arguments = tag_arguments(parser, token, ("heading",))
    _require_endcell(parser)
    heading, extra_class = arguments.get("heading"), arguments.get("class")
    if written_in_template(heading) and written_in_template(extra_class):
        literal = template.Context()
        return TextNode(cell_opening(_value(heading, literal), _value(extra_class, literal)))
    return CellOpeningNode(heading, extra_class)


@register.tag("endcell")
def endcell(parser: Parser, token: Token) -> template.Node:
    return TextNode("</td>")
