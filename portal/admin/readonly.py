"""Admin for rows the portal writes itself: people look at them, they do not edit them."""

from portal.admin.large_tables import LargeTableAdmin


class ReadOnlyPermissions:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyPermissions, LargeTableAdmin):
    pass


class SyncedPermissions(ReadOnlyPermissions):
    """Data synced from the platform: deleting it here would only be undone by the next
    sync (or lose a removed restaurant's record), so the admin offers no Delete."""

    def has_delete_permission(self, request, obj=None):
        return False


class SyncedAdmin(SyncedPermissions, LargeTableAdmin):
    pass
