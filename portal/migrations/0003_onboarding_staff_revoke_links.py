"""Gives the "Onboarding staff" group the permission to revoke status links, which
the revoke button now checks (portal/staff_group.py lists the group's permissions)."""

from django.db import migrations

from portal.staff_group import ensure_onboarding_group


class Migration(migrations.Migration):
    dependencies = [("portal", "0002_onboarding_staff_group")]
    operations = [
        migrations.RunPython(
            lambda apps, _schema_editor: ensure_onboarding_group(apps), migrations.RunPython.noop
        )
    ]
