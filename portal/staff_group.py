"""The "Onboarding staff" group: sees everything, changes only what their work needs.

View permission on every model of the portal, plus: trigger a refresh (add a
sync run), resume a halted request, enter maintenance windows, acknowledge
alerts, make and revoke status links, edit a restaurant (the admin lets them change
only its notes; everything synced is read-only), and do the onboarding work (stages,
owners, next steps, notes, contacts, messages to restaurants). Not: users, settings.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

GROUP = "Onboarding staff"
APPS = ["restaurants", "integrations"]
EXTRA = [
    ("integrations", "add_syncrun"),
    ("integrations", "change_requesthalt"),
    ("integrations", "add_maintenancewindow"),
    ("integrations", "change_maintenancewindow"),
    ("integrations", "change_alert"),
    ("restaurants", "change_restaurant"),
    ("restaurants", "add_statuslink"),
    ("restaurants", "change_statuslink"),
    ("restaurants", "work_on_restaurant"),
    ("restaurants", "add_contact"),
    ("restaurants", "change_contact"),
    ("restaurants", "delete_contact"),
]


def ensure_onboarding_group(apps=global_apps):
    """Creates or updates the group (a migration passes its historical apps)."""
    for app in APPS:
        create_permissions(global_apps.get_app_config(app), verbosity=0, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    views = Permission.objects.filter(
        content_type__app_label__in=APPS, codename__startswith="view_"
    )
    extra = [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in EXTRA
    ]
    group.permissions.set([*views, *extra])
    return group
