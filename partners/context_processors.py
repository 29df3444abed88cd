from functools import cached_property

from django.http import HttpRequest

from partners.models import System
from partners.selectors import system_roles_of


class Navigation:
    """Evaluated only if a template asks, so pages without navigation pay no query."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    @cached_property
    def _systems_by_role(self) -> dict[str, list[System]]:
        """Both lists below from one query: the home page shows both."""
        user = self.request.user
        if not user.is_authenticated:
            return {"console": [], "advisory": []}
        return system_roles_of(user=user)

    @property
    def console_systems(self) -> list[System]:
        return self._systems_by_role["console"]

    @property
    def advisory_systems(self) -> list[System]:
        """Systems whose released feedback summaries this person reads (an advisory or
        oversight group member)."""
        return self._systems_by_role["advisory"]


def navigation(request: HttpRequest) -> dict[str, Navigation]:
    return {"navigation": Navigation(request)}
