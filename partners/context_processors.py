from functools import cached_property

from django.http import HttpRequest

from partners.selectors import systems_administered_by


class Navigation:
    """Evaluated only if a template asks, so pages without navigation pay no query."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    @cached_property
    def console_systems(self) -> list:
        user = self.request.user
        if not user.is_authenticated:
            return []
        return list(systems_administered_by(user=user))


def navigation(request: HttpRequest) -> dict[str, Navigation]:
    return {"navigation": Navigation(request)}
