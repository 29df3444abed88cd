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

    @cached_property
    def advisory_systems(self) -> list:
        """Systems whose released feedback summaries this person reads (an advisory or
        oversight group member)."""
        from partners.models import AUDIENCE_ROLES, Membership, System

        user = self.request.user
        if not user.is_authenticated:
            return []
        return list(
            System.objects.filter(
                pk__in=Membership.objects.current()
                .filter(user=user, role__in=AUDIENCE_ROLES.values())
                .values("system_id")
            ).order_by("name")
        )


def navigation(request: HttpRequest) -> dict[str, Navigation]:
    return {"navigation": Navigation(request)}
