"""NHS.UK frontend pieces that pages repeat: table heads, responsive cells, summary-list rows,
error summaries and warning buttons drawn as links. Each renders one template under
templates/nhsuk/, so the markup (classes, ARIA) is written once.

    {% load nhsuk %}
    {% table_head "Place" "Status" actions=True %}
    {% cell "Place" %}{{ place.name }}{% endcell %}
    {% summary_row "Population" %}{{ place.population }}{% endsummary_row %}
    {% error_summary "keep-error-title" %}<p>{{ keep_error }}</p>{% enderror_summary %}
    {% link_button remove_url "Remove" target="#scheme-lines" %}the line for {{ name }}{% endlink_button %}
"""

from typing import Any

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token, token_kwargs

register = template.Library()


@register.inclusion_tag("nhsuk/table_head.html")
def table_head(*headings: str, actions: bool = False) -> dict[str, Any]:
    """A table's head row; `actions` adds a last column, headed for screen readers only, for row actions."""
    return {"headings": headings, "actions": actions}


class WrappingNode(template.Node):
    """Renders `template_name` around the tag's content, given as `content`."""

    def __init__(
        self,
        template_name: str,
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
        wrapper = context.template.engine.get_template(self.template_name)  # type: ignore[union-attr]
        with context.push(values):
            return wrapper.render(context)


def wrapping_tag(name: str, template_name: str, arg_names: tuple[str, ...]) -> None:
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


wrapping_tag("cell", "nhsuk/cell.html", ("heading",))
wrapping_tag("summary_row", "nhsuk/summary_row.html", ("key",))
wrapping_tag("error_summary", "nhsuk/error_summary.html", ("title_id", "title"))
wrapping_tag("link_button", "nhsuk/link_button.html", ("action", "label"))
