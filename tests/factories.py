"""Factories for the partners domain. Memberships go through the membership service so
object permissions are granted exactly as in production."""

from __future__ import annotations

from typing import Any

import factory
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from factory.django import DjangoModelFactory

from partners import services
from partners.models import (
    Membership,
    Organisation,
    OrganisationAlias,
    Place,
    PlacePartner,
    Role,
    Sector,
    System,
    User,
)

PASSWORD = "correct-horse-battery-staple"
FIRST_NAMES = ["Alex", "Bea", "Chen", "Dara", "Efe", "Farah", "Gwen", "Hari", "Ines", "Jo"]
LAST_NAMES = [
    "Abbott",
    "Baxter",
    "Cole",
    "Dunn",
    "Ellis",
    "Frost",
    "Grant",
    "Hale",
    "Irwin",
    "Joyce",
]


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.nhs.uk")
    # Names stay free of characters HTML escapes (O'Neill), so tests can look for a name in a
    # page as typed; escaping has tests of its own.
    full_name = factory.Sequence(
        lambda n: (
            f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {LAST_NAMES[n // len(FIRST_NAMES) % len(LAST_NAMES)]}{'' if n < len(FIRST_NAMES) * len(LAST_NAMES) else n}"
        )
    )
    job_title = "Programme manager"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance: User, create: bool, results: Any = None) -> None:
        if create:
            instance.save()


class SystemFactory(DjangoModelFactory):
    class Meta:
        model = System

    name = factory.Sequence(lambda n: f"Test Integrated Care System {n}")
    short_name = factory.Sequence(lambda n: f"TICS{n}")
    slug = factory.Sequence(lambda n: f"test-system-{n}")


class PlaceFactory(DjangoModelFactory):
    class Meta:
        model = Place

    system = factory.SubFactory(SystemFactory)
    name = factory.Sequence(lambda n: f"Place {n}")
    slug = factory.Sequence(lambda n: f"place-{n}")
    population = 300_000
    local_authority_footprint = factory.LazyAttribute(lambda o: f"{o.name} Council")


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    system = factory.SubFactory(SystemFactory)
    name = factory.Sequence(lambda n: f"Organisation {n} NHS Trust")
    sector = Sector.ACUTE_TRUST
    is_statutory = True


class OrganisationAliasFactory(DjangoModelFactory):
    class Meta:
        model = OrganisationAlias

    organisation = factory.SubFactory(OrganisationFactory)
    system = factory.SelfAttribute("organisation.system")
    alias = factory.Sequence(lambda n: f"ALIAS{n}")


class PlacePartnerFactory(DjangoModelFactory):
    class Meta:
        model = PlacePartner

    place = factory.SubFactory(PlaceFactory)
    organisation = factory.SubFactory(
        OrganisationFactory, system=factory.SelfAttribute("..place.system")
    )


class AuthenticatorAppFactory(DjangoModelFactory):
    """A confirmed authenticator app (TOTP device) for two-factor sign-in."""

    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory)
    name = "Authenticator app"
    confirmed = True


def current_code(device: TOTPDevice) -> str:
    """The code the person's app shows now. The device refuses a code it has already
    accepted, so this also forgets the last accepted one: tests sign in more than once a
    minute."""
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def make_member(
    *,
    place: Place | None = None,
    system: System | None = None,
    role: str = Role.PLACE_MEMBER,
    user: User | None = None,
    organisation: Organisation | None = None,
) -> User:
    """A person with one current membership, made through the service (so permissions follow)."""
    user = user or UserFactory()
    if place is not None:
        system = place.system
    assert system is not None
    services.membership_create(
        actor=None, user=user, system=system, role=role, place=place, organisation=organisation
    )
    return user


def membership_of(user: User, place: Place) -> Membership:
    return Membership.objects.current().get(user=user, place=place)


# Consultation rounds and place responses ------------------------------------------------------


def make_framework(*, slug: str = "test-framework") -> Any:
    """A small option framework shaped like the 2021 one: five options, three principles,
    the allowed combinations 1+4, 2+3, 2+4, 3+4, 2+3+4, option 5 alone, and a suggested
    rating for every single option against every principle."""
    from governance.catalogue.models import (
        AllowedCombination,
        Band,
        GovernanceOption,
        OptionFramework,
        Principle,
        SuggestedRating,
    )

    framework = OptionFramework.objects.create(
        slug=slug, name=f"Framework {slug}", source="Test fixture"
    )
    for number in range(1, 6):
        GovernanceOption.objects.create(
            framework=framework,
            number=number,
            name=f"Arrangement {number}",
            short_name=f"Arrangement {number}",
            summary="An arrangement.",
            stands_alone=number == 5,
        )
    principles = [
        Principle.objects.create(
            framework=framework, number=n, name=f"Principle {n} name", short_name=f"Principle {n}"
        )
        for n in range(1, 4)
    ]
    for key in ["1+4", "2+3", "2+4", "3+4", "2+3+4"]:
        AllowedCombination.objects.create(framework=framework, key=key)
    bands = list(Band)
    for number in range(1, 6):
        for principle in principles:
            SuggestedRating.objects.create(
                framework=framework,
                option_set=str(number),
                principle=principle,
                band=bands[(number + principle.number) % len(bands)],
                rationale=["A reason from the framework."],
            )
    return framework


def make_round(
    *,
    system: System,
    framework: Any = None,
    questions: list[dict[str, Any]] | None = None,
    days_open: int = 14,
    **kwargs: Any,
) -> Any:
    """An open round (opened yesterday) made through the service, inviting every active
    place of the system unless `invited_places` is given."""
    from datetime import timedelta

    from django.utils import timezone

    from governance.consultation import services as governance_services

    now = timezone.now()
    return governance_services.round_create(
        actor=None,
        system=system,
        framework=framework or make_framework(slug=f"framework-{system.slug}"),
        title=kwargs.pop("title", "Place governance options 2025"),
        opens_at=kwargs.pop("opens_at", now - timedelta(days=1)),
        closes_at=kwargs.pop("closes_at", now + timedelta(days=days_open)),
        questions=questions,
        **kwargs,
    )


def make_response(*, round: Any, place: Place) -> Any:
    from governance.consultation import services as governance_services

    return governance_services.response_get_or_create(round=round, place=place)


def complete_response(*, response: Any, actor: User) -> Any:
    """Fill every required item of a response, through the services (the first fixed answer
    of each question that has them)."""
    from governance.consultation import services as governance_services

    sheet = governance_services.response_sheet(round=response.round, response=response)
    for question in sheet.questions:
        answer = sheet.answers.get(question.pk)
        governance_services.answer_save(
            actor=actor,
            response=response,
            question=question,
            text=f"Our answer to question {question.order}.",
            choice=question.choices[0] if question.choices else None,
            expected_version=answer.version if answer else 0,
        )
    for option in sheet.options:
        for principle in sheet.principles:
            rating = sheet.ratings.get((option.pk, principle.pk))
            governance_services.rating_save(
                actor=actor,
                response=response,
                option=option,
                principle=principle,
                band="medium",
                qualifier="",
                reasons="Because.",
                agreement="agree",
                missing_from_analysis="",
                expected_version=rating.version if rating else 0,
            )
    response.refresh_from_db()
    return governance_services.proposal_save(
        actor=actor,
        response=response,
        option_numbers=[1, 4],
        case="It suits us.",
        expected_version=response.version,
    )
