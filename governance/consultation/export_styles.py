"""The bands' colours, shared by every file of a feedback summary: read once from the pages'
own style sheet (static/css/bands.css), so that the PDF, Word and Excel files colour a band as
the pages do."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.utils.safestring import SafeString, mark_safe

from core.documents import plain_text


@cache
def band_styles() -> SafeString:
    """The pages' band colours (static/css/bands.css), inlined: the PDF fetches nothing."""
    path = finders.find("css/bands.css")
    if not isinstance(path, str):
        raise ImproperlyConfigured("static/css/bands.css is missing.")
    return mark_safe(Path(path).read_text(encoding="utf-8"))  # noqa: S308 (our own file)


_BAND_RULE = re.compile(r"\.app-band--(\w+) \{ background-color: #(\w{6}); color: #(\w{6}); \}")


@cache
def band_colours() -> dict[str, tuple[str, str]]:
    """Each band's (background, text) colours for the Word and Excel files, read from the
    pages' style sheet so that every format colours a band alike; "" is no band."""
    return {
        "" if band == "none" else band: (fill.upper(), ink.upper())
        for band, fill, ink in _BAND_RULE.findall(band_styles())
    }


def modal_band(cell: Mapping[str, Any]) -> str:
    """The band code of the rating places gave most often ('' when none, or not shown)."""
    if cell.get("modal") in band_colours():
        return str(cell["modal"])
    modal = cell.get("modal_label")
    if not modal:
        return ""
    for share in cell.get("distribution", []):
        if share.get("label") == modal:
            return plain_text(share.get("band"))
    return ""
