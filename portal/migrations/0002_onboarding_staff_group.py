"""Creates the "Onboarding staff" group (see portal/staff_group.py)."""

from django.db import migrations


def create_group(apps, schema_editor):
    from portal.staff_group import ensure_onboarding_group

    ensure_onboarding_group(apps)


def remove_group(apps, schema_editor):
    from portal.staff_group import GROUP

    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_cache_table"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("restaurants", "0003_connection_refresh_claim"),
        ("integrations", "0002_rate_budget_and_skipped"),
    ]
    operations = [migrations.RunPython(create_group, remove_group)]
