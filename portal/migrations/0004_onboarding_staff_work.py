"""Gives the "Onboarding staff" group the onboarding work: stages, owners, next steps,
notes, contacts and messages (portal/staff_group.py lists the group's permissions)."""

from django.db import migrations

from portal.staff_group import ensure_onboarding_group


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0003_onboarding_staff_revoke_links"),
        ("restaurants", "0006_onboarding_work"),
    ]
    operations = [
        migrations.RunPython(
            lambda apps, _schema_editor: ensure_onboarding_group(apps), migrations.RunPython.noop
        )
    ]
