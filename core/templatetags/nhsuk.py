"""NHS.UK frontend pieces that pages repeat: table heads, responsive cells, summary-list rows,
error summaries and warning buttons drawn as links. Each is written once: a template under
templates/nhsuk/, or, for the table cell (dozens on every list page, where a template apiece
cost a third of the page's time), one format string here.

    {% load nhsuk %}
    {% table_head "Place" "Status" actions=True %}
    {% cell "Place" %}{{ place.name }}{% endcell %}
    {% summary_row "Population" %}{{ place.population }}{% endsummary_row %}
    {% error_summary "keep-error-title" %}<p>{{ keep_error }}</p>{% enderror_summary %}
    {% link_button remove_url "Remove" target="#scheme-lines" %}the line for {{ name }}{% endlink_button %}
"""

from typing import Any

from django import template
from django.template.base import (
    FilterExpression,
    NodeList,
    Parser,
    Token,
    Variable,
    token_kwargs,
)
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.inclusion_tag("nhsuk/table_head.html")
def table_head(*headings: str, actions: bool = False) -> dict[str, Any]:
    """A table's head row; `actions` adds a last column, headed for screen readers only, for row actions."""
    return {"headings": headings, "actions": actions}


def parse_wrapping_tag(
    parser: Parser, token: Token, arg_names: tuple[str, ...]
) -> tuple[dict[str, FilterExpression], NodeList]:
    """`{% name arg… key=value… %}…{% endname %}`: its arguments by name (positional ones fill
    `arg_names` in order) and its content."""
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
    nodelist = parser.parse((f"end{name}",))
    parser.delete_first_token()
    return arguments, nodelist


class WrappingNode(template.Node):
    """Renders `template_name` around the tag's content, given as `content`."""

    def __init__(
        self, template_name: str, arguments: dict[str, FilterExpression], nodelist: NodeList
    ) -> None:
        self.template_name = template_name
        self.arguments = arguments
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        values = {name: value.resolve(context) for name, value in self.arguments.items()}
        values["content"] = self.nodelist.render(context)
        wrapper = context.template.engine.get_template(self.template_name)  # type: ignore[union-attr]
        with context.push(values):
            return wrapper.render(context)


def wrapping_tag(name: str, template_name: str, arg_names: tuple[str, ...]) -> None:
    """Registers `{% name arg… key=value… %}…{% endname %}` drawn by `template_name`."""

    def compile_tag(parser: Parser, token: Token) -> WrappingNode:
        return WrappingNode(template_name, *parse_wrapping_tag(parser, token, arg_names))

    register.tag(name, compile_tag)


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


class CellNode(template.Node):
    """A responsive table's cell: its column's heading, shown on narrow screens only, then
    the content; `class` adds classes to the cell. Lists draw dozens of cells a page, so a
    cell whose heading and class are written in the template builds its opening tag once,
    when the template is read (a template apiece cost a third of a list page's time)."""

    def __init__(self, arguments: dict[str, FilterExpression], nodelist: NodeList) -> None:
        self.heading = arguments.get("heading")
        self.extra_class = arguments.get("class")
        self.nodelist = nodelist
        self.opening: SafeString | None = None
        if written_in_template(self.heading) and written_in_template(self.extra_class):
            literal = template.Context()
            self.opening = cell_opening(
                self._value(self.heading, literal), self._value(self.extra_class, literal)
            )

    @staticmethod
    def _value(argument: FilterExpression | None, context: template.Context) -> Any:
        return "" if argument is None else argument.resolve(context)

    def render(self, context: template.Context) -> SafeString:
        opening = self.opening or cell_opening(
            self._value(self.heading, context), self._value(self.extra_class, context)
        )
        content = [str(node.render_annotated(context)) for node in self.nodelist]
        return mark_safe("".join([opening, *content, "</td>"]))  # noqa: S308 - the opening is escaped, the content rendered


@register.tag("cell")
def cell(parser: Parser, token: Token) -> CellNode:
    return CellNode(*parse_wrapping_tag(parser, token, ("heading",)))


wrapping_tag("summary_row", "nhsuk/summary_row.html", ("key",))
wrapping_tag("error_summary", "nhsuk/error_summary.html", ("title_id", "title"))
wrapping_tag("link_button", "nhsuk/link_button.html", ("action", "label"))
