from django.http import HttpRequest


def wants_partial(request: HttpRequest) -> bool:
    """An HTMX request wants only its partial, except when htmx restores history (then it
    needs the whole page)."""
    htmx = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.history_restore_request


def htmx_target(request: HttpRequest) -> str | None:
    """The id of the element an HTMX request will swap, if any."""
    htmx = getattr(request, "htmx", None)
    return htmx.target if htmx else None
