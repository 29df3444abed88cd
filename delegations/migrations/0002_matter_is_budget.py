"""A matter can be a budget or a pooled fund: only a body whose framework option may hold one
takes it. The default tree's money matters are marked."""

from django.db import migrations, models

# The matters of the default tree that hand over money (delegations.matters.DEFAULT_MATTERS).
BUDGET_CODES = ["pooled-budgets", "section-75", "finance", "budget-setting", "virement"]
IS_BUDGET = models.BooleanField(
    "a budget or pooled fund",
    default=False,
    help_text="Delegating this matter, or one beneath it, hands over a budget or a pooled "
    "fund: only a body that may hold budgets can take it.",
)


def mark_budget_matters(apps, schema_editor):
    MatterCategory = apps.get_model("delegations", "MatterCategory")
    MatterCategory.objects.filter(code__in=BUDGET_CODES).update(is_budget=True)


class Migration(migrations.Migration):
    dependencies = [("delegations", "0001_squashed")]
    operations = [
        migrations.AddField("mattercategory", "is_budget", IS_BUDGET),
        migrations.RunPython(mark_budget_matters, migrations.RunPython.noop),
    ]
