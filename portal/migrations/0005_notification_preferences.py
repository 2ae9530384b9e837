import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0004_onboarding_staff_work"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="NotificationPreference",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "delivery",
                    models.CharField(
                        choices=[
                            ("off", "Not by email"),
                            ("immediate", "An email at once"),
                            ("digest", "A daily digest"),
                        ],
                        default="off",
                        max_length=16,
                    ),
                ),
                (
                    "new_connection",
                    models.BooleanField(default=True, verbose_name="New connections"),
                ),
                ("removal", models.BooleanField(default=True, verbose_name="Removals")),
                (
                    "regression",
                    models.BooleanField(
                        default=True, verbose_name="Checklist regressions after a sync"
                    ),
                ),
                (
                    "alert",
                    models.BooleanField(
                        default=True, verbose_name="Halted requests and open alerts"
                    ),
                ),
                ("last_digest_at", models.DateTimeField(blank=True, null=True)),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notification_preference",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
    ]
