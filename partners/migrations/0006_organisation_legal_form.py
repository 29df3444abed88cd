"""Organisations get a legal form, and whether one is a statutory body follows from it instead
of a flag typed in. Each existing organisation's legal form is worked out from its sector and
name; one of the sector "Other" that was marked statutory becomes "Another statutory body".
A local Healthwatch, a hospice or a practice marked statutory is not one, and now is not."""

from django.db import migrations, models

# As partners.legal_forms.usual_legal_form was when this migration was written.
NHS_PROVIDER_SECTORS = {
    "acute_trust",
    "community_trust",
    "mental_health_trust",
    "combined_trust",
    "ambulance_trust",
}
USUAL_FORM = {
    "icb": "icb",
    "district_council": "district_council",
    "primary_care_network": "primary_care_network",
    "gp_practice": "gp_practice",
    "gp_federation": "gp_federation",
    "vcfse": "vcse",
    "healthwatch": "healthwatch",
    "hospice": "vcse",
    "other": "other",
}


def legal_form(sector, name, is_statutory):
    lowered = name.casefold()
    if sector in NHS_PROVIDER_SECTORS:
        return "nhs_foundation_trust" if "foundation" in lowered else "nhs_trust"
    if sector == "upper_tier_council":
        return "county_council" if "county" in lowered else "unitary_council"
    if sector == "other" and is_statutory:
        return "other_statutory"
    return USUAL_FORM.get(sector, "other")


def set_legal_forms(apps, schema_editor):
    Organisation = apps.get_model("partners", "Organisation")
    rows = list(Organisation.objects.only("pk", "sector", "name", "is_statutory"))
    for row in rows:
        row.legal_form = legal_form(row.sector, row.name, row.is_statutory)
    Organisation.objects.bulk_update(rows, ["legal_form"], batch_size=1000)


def set_statutory_flags(apps, schema_editor):
    Organisation = apps.get_model("partners", "Organisation")
    statutory = [
        "icb",
        "nhs_trust",
        "nhs_foundation_trust",
        "county_council",
        "unitary_council",
        "district_council",
        "other_statutory",
    ]
    Organisation.objects.update(is_statutory=False)
    Organisation.objects.filter(legal_form__in=statutory).update(is_statutory=True)


class Migration(migrations.Migration):
    dependencies = [("partners", "0005_place_organisation_version")]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="legal_form",
            field=models.CharField(default="other", max_length=30),
            preserve_default=False,
        ),
        migrations.RunPython(set_legal_forms, set_statutory_flags),
        migrations.RemoveField(model_name="organisation", name="is_statutory"),
        migrations.AlterField(
            model_name="organisation",
            name="legal_form",
            field=models.CharField(
                choices=[
                    ("icb", "Integrated care board"),
                    ("nhs_trust", "NHS trust"),
                    ("nhs_foundation_trust", "NHS foundation trust"),
                    ("county_council", "County council"),
                    ("unitary_council", "Unitary, metropolitan or London borough council"),
                    ("district_council", "District council"),
                    ("other_statutory", "Another statutory body"),
                    ("gp_practice", "GP practice (a partnership or company)"),
                    ("primary_care_network", "Primary care network (not a legal body)"),
                    ("gp_federation", "GP federation (a company owned by practices)"),
                    ("vcse", "Charity, community interest company or voluntary organisation"),
                    ("healthwatch", "Local Healthwatch (an organisation the council commissions)"),
                    ("independent_provider", "Independent provider (a company)"),
                    ("other", "Another kind of organisation"),
                ],
                help_text="What kind of body it is in law. Whether it is a statutory body follows "
                "from this: ICBs, NHS trusts and councils are; practices, networks, charities "
                "and companies are not.",
                max_length=30,
            ),
        ),
    ]
