"""Addresses of console pages in the tests."""

from typing import Any

from django.urls import reverse


def url(name: str, world: Any, *args: Any) -> str:
    return reverse(f"console:{name}", args=[world.system.slug, *args])
