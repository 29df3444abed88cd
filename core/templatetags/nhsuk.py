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

from collections.abc import Callable
from typing import Any

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token, token_kwargs
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.inclusion_tag("nhsuk/table_head.html")
def table_head(*headings: str, actions: bool = False) -> dict[str, Any]:
    """A table's head row; `actions` adds a last column, headed for screen readers only, for row actions."""
    return {"headings": headings, "actions": actions}


Draw = Callable[[dict[str, Any]], SafeString]


class WrappingNode(template.Node):
    """Renders `template` (a template's name, or a function of the values) around the tag's
    content, given as `content`."""

    def __init__(
        self,
        template_name: str | Draw,
        nodelist: NodeList,
        args: list[FilterExpression],
        kwargs: dict[str, FilterExpression],
        arg_names: tuple[str, ...],
    ) -> None:
        self.template_name = template_name
        self.nodelist = nodelist
        self.args = args
        self.kwargs = kwargs
        self.arg_names = arg_names

    def render(self, context: template.Context) -> str:
        values = {
            name: arg.resolve(context) for name, arg in zip(self.arg_names, self.args, strict=False)
        }
        values.update({name: value.resolve(context) for name, value in self.kwargs.items()})
        values["content"] = self.nodelist.render(context)
        if callable(self.template_name):
            return self.template_name(values)
        wrapper = context.template.engine.get_template(self.template_name)  # type: ignore[union-attr]
        with context.push(values):
            return wrapper.render(context)


def wrapping_tag(name: str, template_name: str | Draw, arg_names: tuple[str, ...]) -> None:
    """Registers `{% name arg… key=value… %}…{% endname %}`: positional arguments fill `arg_names` in order."""

    def compile_tag(parser: Parser, token: Token) -> WrappingNode:
        bits = token.split_contents()[1:]
        positional = [bit for bit in bits if "=" not in bit]
        if len(positional) > len(arg_names):
            raise template.TemplateSyntaxError(
                f"{name} takes at most {len(arg_names)} positional arguments"
            )
        kwargs = token_kwargs([bit for bit in bits if "=" in bit], parser)
        nodelist = parser.parse((f"end{name}",))
        parser.delete_first_token()
        args = [parser.compile_filter(bit) for bit in positional]
        return WrappingNode(template_name, nodelist, args, kwargs, arg_names)

    register.tag(name, compile_tag)


def table_cell(values: dict[str, Any]) -> SafeString:
    """A responsive table's cell: its column's heading, shown on narrow screens only, and
    the content; `class` adds classes to the cell."""
    extra = values.get("class")
    return format_html(
        '<td class="nhsuk-table__cell{}"><span class="nhsuk-table-responsive__heading"'
        ' aria-hidden="true">{} </span>{}</td>',
        f" {extra}" if extra else "",
        values.get("heading", ""),
        values["content"],
    )


wrapping_tag("cell", table_cell, ("heading",))
wrapping_tag("summary_row", "nhsuk/summary_row.html", ("key",))
wrapping_tag("error_summary", "nhsuk/error_summary.html", ("title_id", "title"))
wrapping_tag("link_button", "nhsuk/link_button.html", ("action", "label"))
