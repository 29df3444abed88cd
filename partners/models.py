"""The partners domain: who the people are, which organisations they come from, and where
they belong (systems and places). Roles live on Membership; object permissions follow them
(see partners/permissions.py)."""

from __future__ import annotations

import re
import unicodedata

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from core.locking import VersionedModel
from partners.legal_forms import LegalForm, LegalFormFacts, facts_of


def normalise_name(value: str) -> str:
    """Fold case, accents, punctuation and spacing so that "St. Mary's" and "st marys" compare
    equal. Uniqueness of names and aliases is judged on this form."""
    decomposed = unicodedata.normalize("NFKD", value)
    without_accents = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    without_apostrophes = re.sub(r"['’`]", "", without_accents.casefold())
    words = re.sub(r"[^0-9a-z]+", " ", without_apostrophes)
    return " ".join(words.split())


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str | None) -> User:
        # People type their address in whatever case; addresses are stored lower-case.
        return self.get(email__iexact=username)

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. People sign in with their e-mail address."""

    email = models.EmailField("e-mail address", unique=True)
    full_name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(
        default=True,
        help_text="Deactivate instead of deleting: governance records keep pointing at people.",
    )
    is_staff = models.BooleanField(default=False, help_text="May use the Django admin.")
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class System(models.Model):
    """An integrated care system: the footprint of one integrated care board."""

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=40, blank=True, help_text='For example "NCL ICB".')
    slug = models.SlugField(max_length=80, unique=True)
    population = models.PositiveIntegerField(
        null=True, blank=True, help_text="How many people live in the system's footprint."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(population__isnull=True) | Q(population__gt=0),
                name="system_population_positive",
            ),
        ]
        permissions = [
            ("administer_system", "Administer the system (ICB governance admin)"),
            (
                "read_released_summaries",
                "Read released, anonymised summaries (advisory and oversight groups)",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Place(VersionedModel):
    """A place within a system, usually a council's footprint."""

    system = models.ForeignKey(System, on_delete=models.PROTECT, related_name="places")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80)
    population = models.PositiveIntegerField(null=True, blank=True)
    local_authority_footprint = models.CharField(
        max_length=300, blank=True, help_text="The council area or areas the place covers."
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "system",
                name="place_unique_name_per_system",
                violation_error_message="This system already has a place with that name.",
            ),
            models.UniqueConstraint(fields=["system", "slug"], name="place_unique_slug_per_system"),
            models.CheckConstraint(
                condition=Q(population__isnull=True) | Q(population__gt=0),
                name="place_population_positive",
            ),
        ]
        permissions = [
            ("lead_place", "Lead the place (submit its response, maintain its committees)"),
        ]

    def __str__(self) -> str:
        return self.name


class NeighbourhoodLead(models.TextChoices):
    """Who leads a neighbourhood's care, as the 2025 operating model names them."""

    PCN = "pcn", "Primary care network"
    PROVIDER_COLLABORATIVE = "provider_collaborative", "Provider collaborative"
    VCSE = "vcse", "Voluntary, community and social enterprise organisation"
    INTEGRATOR = "integrator", "The place's integrator"


class Neighbourhood(VersionedModel):
    """A neighbourhood (typically 30,000-50,000 people) within a place: a scope for
    delegations and sub-contracts, led by a PCN, a provider collaborative, a VCSE
    organisation or the place's integrator."""

    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="neighbourhoods")
    name = models.CharField(max_length=200)
    population = models.PositiveIntegerField(null=True, blank=True)
    lead_kind = models.CharField(
        "who leads it", max_length=30, choices=NeighbourhoodLead.choices, blank=True
    )
    lead_organisation = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_neighbourhoods",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"), "place", name="neighbourhood_unique_name_per_place"
            ),
            models.CheckConstraint(
                condition=Q(population__isnull=True) | Q(population__gt=0),
                name="neighbourhood_population_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Site(models.Model):
    """A building an organisation runs (a hospital, a clinic, a council office), by the name
    people write: "Ashworth General", "Elm Street Surgery". Kept so that anonymised feedback
    can remove site names, which identify a place as surely as its own name."""

    organisation = models.ForeignKey(
        "partners.Organisation", on_delete=models.CASCADE, related_name="sites"
    )
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"), "organisation", name="site_unique_name_per_organisation"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Sector(models.TextChoices):
    ICB = "icb", "Integrated care board"
    ACUTE_TRUST = "acute_trust", "Acute trust"
    COMMUNITY_TRUST = "community_trust", "Community trust"
    MENTAL_HEALTH_TRUST = "mental_health_trust", "Mental health trust"
    COMBINED_TRUST = "combined_trust", "Combined trust"
    AMBULANCE_TRUST = "ambulance_trust", "Ambulance trust"
    UPPER_TIER_COUNCIL = "upper_tier_council", "Upper-tier or unitary council"
    DISTRICT_COUNCIL = "district_council", "District council"
    PRIMARY_CARE_NETWORK = "primary_care_network", "Primary care network"
    GP_PRACTICE = "gp_practice", "GP practice"
    GP_FEDERATION = "gp_federation", "GP federation or primary care collaborative"
    VCFSE = "vcfse", "Voluntary, community, faith or social enterprise"
    HEALTHWATCH = "healthwatch", "Healthwatch"
    HOSPICE = "hospice", "Hospice"
    OTHER = "other", "Other"


class Organisation(VersionedModel):
    """A partner organisation in a system. Its aliases are the names people really use; the
    anonymiser scrubs all of them."""

    system = models.ForeignKey(System, on_delete=models.PROTECT, related_name="organisations")
    name = models.CharField(max_length=200)
    normalised_name = models.CharField(max_length=200, editable=False)
    sector = models.CharField(max_length=40, choices=Sector.choices)
    legal_form = models.CharField(
        max_length=30,
        choices=LegalForm.choices,
        help_text="What kind of body it is in law. Whether it is a statutory body follows from "
        "this: ICBs, NHS trusts and councils are; practices, networks, charities and companies "
        "are not.",
    )
    ods_code = models.CharField(
        "ODS code", max_length=10, blank=True, help_text="The NHS Organisation Data Service code."
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["system", "normalised_name"],
                name="organisation_unique_name_per_system",
                violation_error_message="This system already has an organisation with that name.",
            ),
            models.UniqueConstraint(
                fields=["ods_code"],
                condition=~Q(ods_code=""),
                name="organisation_unique_ods_code",
                violation_error_message="Another organisation already has that ODS code.",
            ),
        ]
        indexes = [models.Index(fields=["system", "sector"])]

    def __str__(self) -> str:
        return self.name

    @property
    def legal_facts(self) -> LegalFormFacts:
        return facts_of(self.legal_form)

    @property
    def is_statutory(self) -> bool:
        """A statutory body, by its legal form."""
        return self.legal_facts.statutory

    def save(self, *args: object, **kwargs: object) -> None:
        self.normalised_name = normalise_name(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self) -> None:
        super().clean()
        self.normalised_name = normalise_name(self.name)
        self.ods_code = self.ods_code.strip().upper()
        if not self.normalised_name:
            raise ValidationError({"name": "Enter a name with at least one letter or number."})
        mismatch = legal_form_mismatch(self.sector, self.legal_form)
        if mismatch:
            raise ValidationError({"legal_form": mismatch})


def board_of(organisation_name: str) -> str:
    """The board of an organisation, by name: "Ashworth Council board". A name that already
    ends in "Board" (an integrated care board's) is the board's name as it is."""
    if organisation_name.rstrip().lower().endswith("board"):
        return organisation_name
    return f"{organisation_name} board"


def legal_form_mismatch(sector: str, legal_form: str) -> str:
    """Why a sector and a legal form cannot go together ("" when they can)."""
    if sector == Sector.ICB and legal_form != LegalForm.ICB:
        return "An integrated care board's legal form is “Integrated care board”. Choose that."
    if legal_form == LegalForm.ICB and sector != Sector.ICB:
        return (
            "Only an integrated care board has that legal form. Choose the organisation's own "
            "legal form, or the sector “Integrated care board” if it is one."
        )
    council_sectors = {Sector.UPPER_TIER_COUNCIL, Sector.DISTRICT_COUNCIL}
    if sector in council_sectors and not facts_of(legal_form).local_authority:
        return "A council's legal form is a county, unitary or district council. Choose one."
    return ""


class OrganisationAlias(models.Model):
    """Another name for an organisation: an abbreviation ("RHT"), a short form ("the
    council") or a former name. Unique across the organisation names and aliases of a system."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="aliases")
    # Denormalised so the database can enforce uniqueness of aliases within a system.
    system = models.ForeignKey(System, on_delete=models.PROTECT, related_name="+", editable=False)
    alias = models.CharField(max_length=200)
    normalised_alias = models.CharField(max_length=200, editable=False)

    class Meta:
        ordering = ["alias"]
        verbose_name_plural = "organisation aliases"
        constraints = [
            models.UniqueConstraint(
                fields=["system", "normalised_alias"],
                name="alias_unique_per_system",
                violation_error_message="Another organisation in this system already uses that alias.",
            ),
        ]

    def __str__(self) -> str:
        return self.alias

    def save(self, *args: object, **kwargs: object) -> None:
        self.normalised_alias = normalise_name(self.alias)
        self.system_id = self.organisation.system_id
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class PlacePartner(models.Model):
    """An organisation taking part in a place's partnership."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="place_partnerships"
    )
    joined_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["place", "organisation"],
                name="place_partner_unique",
                violation_error_message="That organisation is already a partner in this place.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.place}"


class Role(models.TextChoices):
    PLACE_MEMBER = "place_member", "Place member"
    PLACE_LEAD = "place_lead", "Place lead"
    ICB_ADMIN = "icb_admin", "ICB governance admin"
    ADVISORY_MEMBER = "advisory_member", "Advisory group member"
    OVERSIGHT_MEMBER = "oversight_member", "Oversight group member"


PLACE_ROLES = frozenset({Role.PLACE_MEMBER, Role.PLACE_LEAD})
SYSTEM_ROLES = frozenset({Role.ICB_ADMIN, Role.ADVISORY_MEMBER, Role.OVERSIGHT_MEMBER})


class Audience(models.TextChoices):
    """A group a feedback summary's parts are released to. Each is the people holding one
    system role: the advisory group reviews the options in detail, the oversight group sees
    the high-level picture."""

    ADVISORY = "advisory", "Advisory group"
    OVERSIGHT = "oversight", "Oversight group"


# Who belongs to each audience: the holders of this role in the system.
AUDIENCE_ROLES: dict[str, str] = {
    Audience.ADVISORY: Role.ADVISORY_MEMBER,
    Audience.OVERSIGHT: Role.OVERSIGHT_MEMBER,
}


class MembershipQuerySet(models.QuerySet["Membership"]):
    def current(self) -> MembershipQuerySet:
        return self.filter(ended_at__isnull=True)

    def place_leads(self) -> MembershipQuerySet:
        """Who leads a place now: a place lead's membership that has started and not ended,
        held by someone whose account is active. Every question of who leads a place (who
        may submit, who is told, who may not be removed) asks this."""
        return self.current().filter(leads_now())


def leads_now() -> models.Q:
    """The condition `MembershipQuerySet.place_leads` applies to current memberships, for a
    query that also reads other memberships in the same round trip."""
    return models.Q(role=Role.PLACE_LEAD, started_at__lte=timezone.now(), user__is_active=True)


class Membership(models.Model):
    """A person's role in a place (member, lead) or in a system (ICB admin, advisory group).
    Leaving ends the membership rather than deleting it, so the history stays readable."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships"
    )
    system = models.ForeignKey(System, on_delete=models.PROTECT, related_name="memberships")
    place = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="memberships", null=True, blank=True
    )
    role = models.CharField(max_length=30, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="representatives",
        null=True,
        blank=True,
        help_text="The organisation the person represents.",
    )
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["user__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "place"],
                condition=Q(ended_at__isnull=True, place__isnull=False),
                name="membership_one_current_per_person_per_place",
                violation_error_message="This person is already a member of this place.",
            ),
            models.UniqueConstraint(
                fields=["user", "system", "role"],
                condition=Q(ended_at__isnull=True, place__isnull=True),
                name="membership_one_current_system_role",
                violation_error_message="This person already holds that role in this system.",
            ),
            models.CheckConstraint(
                condition=(
                    Q(role__in=sorted(PLACE_ROLES), place__isnull=False)
                    | Q(role__in=sorted(SYSTEM_ROLES), place__isnull=True)
                ),
                name="membership_role_matches_scope",
                violation_error_message="Place roles need a place; system roles must not have one.",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="membership_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(
                fields=["place", "role"],
                condition=Q(ended_at__isnull=True),
                name="membership_current_place_role",
            )
        ]

    def __str__(self) -> str:
        scope = self.place or self.system
        return f"{self.user} — {self.get_role_display()}, {scope}"

    @property
    def is_current(self) -> bool:
        return self.ended_at is None


class OfferStatus(models.TextChoices):
    WAITING = "waiting", "Waiting for them to accept"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class MembershipOffer(models.Model):
    """A role in a system offered to someone whose account already exists and who holds no
    role in that system yet. It becomes a membership only when they accept it: until then the
    system sees just the e-mail address it typed, and the offer grants nothing."""

    # Whom it is offered to, and by whom. The address is the one the system typed: all it sees
    # of the person until they accept.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership_offers"
    )
    email = models.EmailField("e-mail address")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # The role offered: the terms its membership will have (partners.services.RoleTerms).
    system = models.ForeignKey(System, on_delete=models.PROTECT, related_name="membership_offers")
    place = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    role = models.CharField(max_length=30, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # Their answer.
    status = models.CharField(
        max_length=10, choices=OfferStatus.choices, default=OfferStatus.WAITING
    )
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "status"]),
            models.Index(fields=["system", "status"]),
        ]

    def __str__(self) -> str:
        scope = self.place or self.system
        return f"{self.get_role_display()}, {scope}, offered to {self.email}"


class Invitation(models.Model):
    """An invitation to set a password. Only a hash of the token is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    # When its e-mail was last handed to the queue; the scheduler retries unsent ones.
    queued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.user}"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at


class AuditEvent(models.Model):
    """Who did what, to which record, and when. Written by the service functions."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    system = models.ForeignKey(System, on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField(max_length=80)
    target_type = models.CharField(max_length=80)
    target_id = models.CharField(max_length=40)
    summary = models.CharField(max_length=500)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["system", "-created_at"])]

    def __str__(self) -> str:
        return self.summary
