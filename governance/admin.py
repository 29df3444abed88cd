"""Django admin for the catalogue, so ICB admins and superusers can correct its content. The
rules it must keep (canonical option-set keys) come from governance.catalogue.rules; every change made
here is audited (partners.admin_audit)."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from governance.catalogue.models import (
    AllowedCombination,
    DeliveryModel,
    GovernanceOption,
    OptionFramework,
    Principle,
    SuggestedRating,
)
from governance.catalogue.rules import option_set_numbers
from partners.admin_audit import AuditedAdmin


def _clean_option_set(key: str, framework: OptionFramework | None, *, combined: bool) -> str:
    key = (key or "").strip()
    try:
        numbers = option_set_numbers(key)
    except ValueError:
        raise forms.ValidationError(
            'Write the option numbers in ascending order joined by "+", for example 1+4.'
        ) from None
    if combined and len(numbers) < 2:
        raise forms.ValidationError("A combination joins two or more options.")
    if not numbers:
        raise forms.ValidationError("Name at least one option.")
    if framework is not None:
        known = set(framework.options.values_list("number", flat=True))
        unknown = [n for n in numbers if n not in known]
        if unknown:
            raise forms.ValidationError(
                f"This framework has no option {', '.join(str(n) for n in unknown)}."
            )
        alone = set(framework.options.filter(stands_alone=True).values_list("number", flat=True))
        if len(numbers) > 1 and alone & set(numbers):
            raise forms.ValidationError(
                f"Option {min(alone & set(numbers))} stands alone and cannot be combined."
            )
    return key


class OptionSetForm(forms.ModelForm):
    """An admin form whose `option_set_field` names an option set of the chosen framework,
    written as its canonical key; `combined` sets must join two or more options."""

    option_set_field: str
    combined: bool

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        name = self.option_set_field
        if name in cleaned:
            try:
                cleaned[name] = _clean_option_set(
                    cleaned[name], cleaned.get("framework"), combined=self.combined
                )
            except forms.ValidationError as error:
                self.add_error(name, error)
        return cleaned


class AllowedCombinationForm(OptionSetForm):
    option_set_field = "key"
    combined = True

    class Meta:
        model = AllowedCombination
        fields = ["framework", "key", "summary"]


class SuggestedRatingForm(OptionSetForm):
    """A rating of one option in the context of an option set: the option alone, or with
    its partners in a combination the framework allows."""

    option_set_field = "option_set"
    combined = False

    class Meta:
        model = SuggestedRating
        fields = [
            "framework",
            "option",
            "option_set",
            "principle",
            "band",
            "qualifier",
            "rationale",
        ]
        help_texts = {
            "option": "The option this rating is of.",
            "option_set": 'The context it is rated in: the option alone ("4") or a '
            'combination that includes it ("1+4").',
        }

    def clean(self) -> dict:
        cleaned = super().clean()
        principle = cleaned.get("principle")
        option = cleaned.get("option")
        framework = cleaned.get("framework")
        if principle and framework and principle.framework_id != framework.pk:
            self.add_error("principle", "Choose a principle of the same framework.")
        if option and framework and option.framework_id != framework.pk:
            self.add_error("option", "Choose an option of the same framework.")
        key = cleaned.get("option_set")
        if option and key and "option_set" not in self.errors:
            numbers = option_set_numbers(key)
            if option.number not in numbers:
                self.add_error(
                    "option_set",
                    f"Option {option.number} is not in {key}: write the option alone "
                    f'("{option.number}") or a combination that includes it.',
                )
            elif (
                len(numbers) > 1
                and framework is not None
                and not framework.combinations.filter(key=key).exists()
            ):
                self.add_error(
                    "option_set",
                    f"{key} is not an allowed combination of this framework: add it to the "
                    "framework's combinations first.",
                )
        return cleaned


class PrincipleInline(admin.TabularInline):
    model = Principle
    extra = 0


class AllowedCombinationInline(admin.TabularInline):
    model = AllowedCombination
    form = AllowedCombinationForm
    extra = 0


@admin.register(OptionFramework)
class OptionFrameworkAdmin(AuditedAdmin):
    list_display = ("name", "slug", "updated_at")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name", "slug")
    inlines = [PrincipleInline, AllowedCombinationInline]


@admin.register(Principle)
class PrincipleAdmin(AuditedAdmin):
    list_display = ("number", "name", "short_name", "framework")
    list_filter = ("framework",)


@admin.register(GovernanceOption)
class GovernanceOptionAdmin(AuditedAdmin):
    list_display = ("number", "name", "framework", "stands_alone", "statutory_lead_required")
    list_filter = ("framework", "stands_alone")
    search_fields = ("name", "short_name")


@admin.register(AllowedCombination)
class AllowedCombinationAdmin(AuditedAdmin):
    form = AllowedCombinationForm
    list_display = ("key", "framework")
    list_filter = ("framework",)


@admin.register(SuggestedRating)
class SuggestedRatingAdmin(AuditedAdmin):
    form = SuggestedRatingForm
    list_display = ("option", "option_set", "principle", "band", "qualifier", "framework")
    list_filter = ("framework", "option_set", "band", "principle__number")
    list_select_related = ("option", "principle", "framework")


@admin.register(DeliveryModel)
class DeliveryModelAdmin(AuditedAdmin):
    list_display = ("name", "kind", "governance", "order")
    list_filter = ("kind", "governance")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
