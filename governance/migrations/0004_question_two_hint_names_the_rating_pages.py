"""Question 2's default hint said the ratings were "below" it; the response now has a page per
option's ratings, so rounds that still carry the old words get the new ones. A hint someone
changed is left as they wrote it."""

from django.db import migrations

OLD_HINT = "You can also note what is missing beside each rating below."
NEW_HINT = (
    "You can also note what is missing beside each of your ratings, on the rating pages of "
    "your response."
)


def name_the_rating_pages(apps, schema_editor):
    Question = apps.get_model("governance", "Question")
    Question.objects.filter(hint=OLD_HINT).update(hint=NEW_HINT)


def say_below_again(apps, schema_editor):
    Question = apps.get_model("governance", "Question")
    Question.objects.filter(hint=NEW_HINT).update(hint=OLD_HINT)


class Migration(migrations.Migration):
    dependencies = [("governance", "0003_audiences_staged_release_and_review_index")]

    operations = [migrations.RunPython(name_the_rating_pages, say_below_again)]
