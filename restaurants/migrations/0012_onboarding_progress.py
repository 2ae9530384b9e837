"""The onboarding checklist stored on each restaurant (restaurants/onboarding.py's
`refresh` keeps it): the count of done items, indexed with the list's orders, and
the done items as bits. Computed per row instead, the "hours" item's subquery
made a sort by progress of 150,000 restaurants take 5 s on PostgreSQL and the
"complete" filter 18 s.

The backfill is 0013's: onboarding.refresh now stores the connection's status
too, a column this migration does not have yet.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("restaurants", "0011_onboarding_milestones")]

    operations = [
        migrations.AddField(
            model_name="restaurant",
            name="onboarding_done",
            field=models.PositiveSmallIntegerField(
                default=0, help_text="How many of the onboarding checklist's items are done."
            ),
        ),
        migrations.AddField(
            model_name="restaurant",
            name="onboarding_items",
            field=models.PositiveSmallIntegerField(
                default=0,
                help_text="The done checklist items, a bit each in onboarding.ITEMS order.",
            ),
        ),
        migrations.AddIndex(
            model_name="restaurant",
            index=models.Index(fields=["onboarding_done", "name", "guid"], name="order_progress"),
        ),
        migrations.AddIndex(
            model_name="restaurant",
            index=models.Index(
                fields=["-onboarding_done", "name", "guid"], name="order_progress_desc"
            ),
        ),
    ]
