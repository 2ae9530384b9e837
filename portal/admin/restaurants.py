"""Admin for the synced restaurants: everything from the platform is read-only and never
deleted here; notes are the staff's own."""

from django.contrib import admin, messages
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from integrations.models import SyncRun
from integrations.sync import enqueue_refresh
from portal.admin.date_filter import DateFilter
from portal.admin.large_tables import IndexedValuesFilter, LargeTableAdmin
from portal.admin.readonly import ReadOnlyAdmin, SyncedAdmin, SyncedPermissions
from restaurants.models import Connection, DaySchedule, Restaurant, Service, Snapshot, StatusLink


class SyncedInline(SyncedPermissions, admin.TabularInline):
    extra = 0
    can_delete = False


class DayScheduleInline(SyncedInline):
    """Day schedules with their services (the admin has no nested inlines)."""

    model = DaySchedule
    fields = ["key", "schedule_name", "open_time", "close_time", "service_hours"]
    readonly_fields = ["service_hours"]

    def get_queryset(self, request):
        services = Service.objects.order_by("position")
        return super().get_queryset(request).prefetch_related(Prefetch("services", services))

    @admin.display(description="Services")
    def service_hours(self, day_schedule):
        rows = [
            (
                service.name or "Service",
                _time(service.start_time),
                _time(service.end_time),
                " (overnight)" if service.overnight else "",
            )
            for service in day_schedule.services.all()
        ]
        return format_html_join(mark_safe("<br>"), "{} {}–{}{}", rows) if rows else "—"


def _time(value):
    return value.strftime("%H:%M") if value else "?"


class ConnectionInline(SyncedPermissions, admin.StackedInline):
    model = Connection
    can_delete = False
    exclude = ["details"]


# The change page in the sections staff know from the restaurant page; the raw
# delivery polyline (hundreds of characters) stays folded until asked for.
RESTAURANT_FIELDSETS = [
    (
        None,
        {
            "fields": [
                ("name", "location_name"),
                ("guid", "location_code"),
                "description",
                ("time_zone", "closeout_hour", "currency_code"),
                ("management_group_guid", "first_business_date", "archived"),
            ]
        },
    ),
    (
        "Onboarding",
        {
            "fields": [
                "connection_status",
                ("stage", "stage_since"),
                "stage_reason",
                "onboarding_started_at",
                ("reached_connected_at", "reached_data_received_at"),
                ("reached_in_review_at", "reached_live_at"),
                "time_to_live",
                ("owner", "next_step_due"),
                "next_step",
                ("reminders_paused", "reminders_sent", "last_reminder_at"),
                ("onboarding_done", "onboarding_items"),
            ]
        },
    ),
    (
        "Availability (online ordering on or off, as the platform says)",
        {
            "fields": [
                ("availability", "availability_since"),
                "availability_reason",
                ("availability_source", "availability_at", "availability_webhook_id"),
            ]
        },
    ),
    (
        "Location and contact",
        {
            "fields": [
                "address1",
                "address2",
                ("city", "state_code", "zip_code"),
                ("administrative_area", "country"),
                ("phone", "phone_country_code"),
                ("latitude", "longitude"),
            ]
        },
    ),
    (
        "Links",
        {
            "fields": [
                ("website", "order_online"),
                ("facebook", "twitter"),
                ("purchase_gift_card", "check_gift_card"),
            ]
        },
    ),
    (
        "Week (day schedule of each weekday)",
        {
            "fields": [
                ("week_monday", "week_tuesday", "week_wednesday", "week_thursday"),
                ("week_friday", "week_saturday", "week_sunday"),
            ]
        },
    ),
    (
        "Delivery and online ordering",
        {
            "fields": [
                ("delivery_enabled", "delivery_minimum"),
                ("online_ordering_enabled", "online_ordering_scheduling"),
                ("special_requests", "special_requests_message"),
            ]
        },
    ),
    ("Delivery area (raw polyline)", {"classes": ["collapse"], "fields": ["delivery_area"]}),
    (
        "Payment options",
        {
            "fields": [
                ("delivery_cash", "delivery_cc_same_day", "delivery_cc_future"),
                ("takeout_cash", "takeout_cc_same_day", "takeout_cc_future"),
                ("takeout_cc_in_store", "cc_tip"),
            ]
        },
    ),
    (
        "Prep times (minutes)",
        {
            "fields": [
                ("delivery_prep_time", "delivery_time_after_open", "delivery_time_before_close"),
                ("takeout_prep_time", "takeout_time_after_open", "takeout_time_before_close"),
                ("delivery_throttling_time", "takeout_throttling_time"),
            ]
        },
    ),
    (
        "Sync",
        {
            "fields": [
                ("first_seen_at", "last_fetched_at", "last_changed_at"),
                ("last_error_at", "content_sha256"),
                "last_error",
            ]
        },
    ),
    ("Staff notes", {"fields": ["notes"]}),
]


@admin.register(Restaurant)
class RestaurantAdmin(LargeTableAdmin):
    # The GUID makes the order total and matches an index (0006): no sort of every row.
    ordering = ["name", "guid"]
    list_display = [
        "name",
        "staff_page",
        "location_name",
        "city",
        "time_zone",
        "connection_status",
        "delivery_enabled",
        "online_ordering_enabled",
        "last_fetched_at",
        "has_error",
    ]
    list_filter = [
        "connection_status",
        ("time_zone", IndexedValuesFilter),
        "delivery_enabled",
        "online_ordering_enabled",
        "availability",
        "archived",
        ("state_code", IndexedValuesFilter),
        ("last_fetched_at", DateFilter),
    ]
    search_fields = [
        "guid",
        "name",
        "location_name",
        "location_code",
        "city",
        "connection__external_restaurant_ref",
        "connection__external_group_ref",
    ]
    list_select_related = ["connection"]
    inlines = [ConnectionInline, DayScheduleInline]
    actions = ["refresh"]
    fieldsets = RESTAURANT_FIELDSETS

    def get_readonly_fields(self, request, obj=None):
        # Synced from the platform: only the staff's own notes are edited here.
        return [field.name for field in Restaurant._meta.fields if field.name != "notes"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # synced from the platform, as SyncedPermissions says

    @admin.display(description="Staff page")
    def staff_page(self, restaurant):
        return format_html('<a href="{}">Open</a>', restaurant.get_absolute_url())

    @admin.display(boolean=True, description="Error")
    def has_error(self, restaurant):
        return bool(restaurant.last_error)

    @admin.action(description="Refresh from the platform", permissions=["refresh"])
    def refresh(self, request, queryset):
        guids = list(queryset.values_list("guid", flat=True))
        run = enqueue_refresh(guids, trigger=SyncRun.Trigger.STAFF, requested_by=request.user)
        message = f"Queued refresh run #{run.pk} of {run.total} connected restaurant(s)"
        skipped = len(guids) - run.total
        if skipped:
            message += f"; {skipped} removed or prospect restaurant(s) left out"
        self.message_user(request, message + ".", messages.SUCCESS)

    def has_refresh_permission(self, request):
        return request.user.has_perm("integrations.add_syncrun")


@admin.register(Service)
class ServiceAdmin(SyncedAdmin):
    list_display = ["name", "day_schedule", "start_time", "end_time", "overnight"]
    search_fields = ["name", "day_schedule__restaurant__name"]
    list_select_related = ["day_schedule__restaurant"]


@admin.register(Snapshot)
class SnapshotAdmin(SyncedAdmin):
    list_display = ["restaurant", "fetched_at", "source", "short_hash"]
    list_filter = ["source", ("fetched_at", DateFilter)]
    search_fields = ["restaurant__guid", "restaurant__name", "sha256"]
    list_select_related = ["restaurant"]

    @admin.display(description="sha256")
    def short_hash(self, snapshot):
        return format_html("<code>{}</code>", snapshot.sha256[:12])


@admin.register(Connection)
class ConnectionAdmin(SyncedAdmin):
    list_display = [
        "restaurant_name",
        "staff_page",
        "location_name",
        "status",
        "external_restaurant_ref",
        "external_group_ref",
        "modified_date",
        "removed_at",
    ]
    list_filter = ["status", "deleted"]
    ordering = ["restaurant_name", "restaurant_id"]  # the index connection_order
    search_fields = [
        "restaurant__guid",
        "restaurant_name",
        "external_restaurant_ref",
        "external_group_ref",
        "created_by_email",
    ]

    @admin.display(description="Staff page")
    def staff_page(self, connection):
        url = reverse("restaurant-detail", args=[connection.restaurant_id])
        return format_html('<a href="{}">Open</a>', url)


@admin.register(StatusLink)
class StatusLinkAdmin(ReadOnlyAdmin):
    list_display = ["restaurant", "created_by", "created_at", "expires_at", "revoked_at"]
    list_select_related = ["restaurant", "created_by"]
    search_fields = ["restaurant__name", "restaurant__guid"]
