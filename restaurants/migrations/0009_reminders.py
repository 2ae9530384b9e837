from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("restaurants", "0008_search_and_sort_indexes")]

    operations = [
        migrations.AddField(
            model_name="restaurant",
            name="reminders_paused",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="restaurant",
            name="reminders_sent",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="restaurant",
            name="last_reminder_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
