from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 25


def paginate(
    request: HttpRequest, queryset: QuerySet[Any], per_page: int = PAGE_SIZE
) -> dict[str, Any]:
    """One page of rows (two queries: the count and the page), with the elided page numbers
    that templates/includes/pagination.html shows."""
    page: Page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    return {
        "page_obj": page,
        "page_range": list(
            page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
        ),
    }
