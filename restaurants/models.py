"""The platform's `RestaurantInfo`, kept as rows staff can query.

A restaurant's 1:1 sections (general, location, URLs, delivery, online
ordering with its payment options, prep times) are columns of `Restaurant`, so
one read shows a restaurant. Day schedules and their services are child rows;
the week maps each weekday to a day schedule key, or to null when closed.
Payload strings are nullable: the platform's `""` and `null` both come back
out of an export as they went in.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from restaurants import validators
from restaurants.values import as_uuid

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def stale_cutoff(now=None):
    """Data fetched before this instant is stale (`TOAST_STALE_AFTER_HOURS` ago)."""
    return (now or timezone.now()) - timezone.timedelta(hours=settings.TOAST_STALE_AFTER_HOURS)


def not_fetched_since(cutoff):
    return models.Q(last_fetched_at__lt=cutoff) | models.Q(last_fetched_at__isnull=True)


class ConnectionStatus(models.TextChoices):
    """The restaurant's connection as the lists filter on it (Restaurant.connection_status)."""

    CONNECTED = "connected", "Connected"
    REMOVED = "removed", "Removed"
    # A restaurant of a connected group that has not connected itself: no connection.
    PROSPECT = "prospect", "Prospect"


# Each figure staff see, defined once as a condition on restaurants: the
# queryset's filters use them, and `figures()` counts them. They read the stored
# connection status, not the connection's row: with the join, the dashboard's
# figures read every restaurant's wide row (157 ms at 150,000 on PostgreSQL) and
# the prospects' page took 232 ms; from the status's own index, a few ms.
_CONDITIONS = {
    "connected": lambda now: models.Q(connection_status=ConnectionStatus.CONNECTED),
    "removed": lambda now: models.Q(connection_status=ConnectionStatus.REMOVED),
    "prospects": lambda now: models.Q(connection_status=ConnectionStatus.PROSPECT),
    "stale": lambda now: _CONDITIONS["connected"](now) & not_fetched_since(stale_cutoff(now)),
    "errors": lambda now: ~models.Q(last_error=""),
}
# The figures one pass over the status's index (connection_status_order) counts.
_STATUS_FIGURES = ("connected", "removed", "prospects", "stale")


class RestaurantQuerySet(models.QuerySet):
    def connected(self):
        return self._where("connected")

    def removed(self):
        return self._where("removed")

    def prospects(self):
        return self._where("prospects")

    def stale(self, now=None):
        return self._where("stale", now)

    def with_errors(self):
        return self._where("errors")

    def figures(self, now=None):
        """Every figure above: those of the connection's status in one pass over its
        index, the errors from theirs (a partial index of the few with one)."""
        counts = {
            name: models.Count("pk", filter=_CONDITIONS[name](now)) for name in _STATUS_FIGURES
        }
        return {**self.aggregate(**counts), "errors": self.with_errors().count()}

    def stuck(self, now=None):
        """In an onboarding stage (ONBOARDING_STAGES) for over ONBOARDING_STUCK_AFTER_DAYS."""
        since = (now or timezone.now()) - timezone.timedelta(
            days=settings.ONBOARDING_STUCK_AFTER_DAYS
        )
        return self.filter(stage_since__lt=since, stage__in=ONBOARDING_STAGES)

    def overdue(self, today=None):
        """The next step's due date has passed (Restaurant.overdue, for one)."""
        return self.filter(next_step_due__lt=today or timezone.localdate())

    def _where(self, name, now=None):
        return self.filter(_CONDITIONS[name](now))


class Stage(models.TextChoices):
    """Where a restaurant is in onboarding; restaurants/stages.py says what moves it."""

    PROSPECT = "prospect", "Prospect"
    CONNECTED = "connected", "Connected"
    DATA_RECEIVED = "data_received", "Data received"
    IN_REVIEW = "in_review", "In review"
    LIVE = "live", "Live"
    BLOCKED = "blocked", "Blocked"
    REMOVED = "removed", "Removed"


# The stages of a restaurant being onboarded: one that stays too long in one is stuck
# (a prospect has not started, a live or removed one has finished).
ONBOARDING_STAGES = (Stage.CONNECTED, Stage.DATA_RECEIVED, Stage.IN_REVIEW, Stage.BLOCKED)


class Restaurant(models.Model):
    class Availability(models.TextChoices):
        ONLINE = "ONLINE", "Taking online orders"
        OFFLINE = "OFFLINE", "Not taking online orders"

    class AvailabilitySource(models.TextChoices):
        NONE = "", "No availability event yet"
        WEBHOOK = "webhook", "restaurant_availability webhook"
        API = "api", "Restaurant availability API"

    guid = models.UUIDField(primary_key=True)

    # general
    name = models.TextField(null=True, blank=True)
    location_name = models.TextField(null=True, blank=True)
    location_code = models.TextField(null=True, blank=True)
    description = models.TextField(null=True, blank=True)
    time_zone = models.TextField(null=True, blank=True, validators=[validators.validate_time_zone])
    closeout_hour = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[validators.validate_closeout_hour]
    )
    management_group_guid = models.UUIDField(null=True, blank=True, db_index=True)
    currency_code = models.TextField(null=True, blank=True)
    first_business_date = models.DateField(null=True, blank=True)
    archived = models.BooleanField(null=True, blank=True)

    # location
    address1 = models.TextField(null=True, blank=True)
    address2 = models.TextField(null=True, blank=True)
    city = models.TextField(null=True, blank=True, db_index=True)
    state_code = models.TextField(null=True, blank=True)
    administrative_area = models.TextField(null=True, blank=True)
    zip_code = models.TextField(null=True, blank=True)
    country = models.TextField(null=True, blank=True)
    phone = models.TextField(null=True, blank=True)
    phone_country_code = models.TextField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True, validators=[validators.validate_latitude])
    longitude = models.FloatField(null=True, blank=True, validators=[validators.validate_longitude])

    # urls
    website = models.TextField(null=True, blank=True)
    facebook = models.TextField(null=True, blank=True)
    twitter = models.TextField(null=True, blank=True)
    order_online = models.TextField(null=True, blank=True)
    purchase_gift_card = models.TextField(null=True, blank=True)
    check_gift_card = models.TextField(null=True, blank=True)

    # schedules: weekSchedule, each a key of a DaySchedule, or null when closed
    week_monday = models.TextField(null=True, blank=True)
    week_tuesday = models.TextField(null=True, blank=True)
    week_wednesday = models.TextField(null=True, blank=True)
    week_thursday = models.TextField(null=True, blank=True)
    week_friday = models.TextField(null=True, blank=True)
    week_saturday = models.TextField(null=True, blank=True)
    week_sunday = models.TextField(null=True, blank=True)

    # delivery
    delivery_enabled = models.BooleanField(null=True, blank=True)
    delivery_minimum = models.FloatField(
        null=True, blank=True, validators=[validators.validate_non_negative]
    )
    delivery_area = models.TextField(
        null=True, blank=True, validators=[validators.validate_delivery_area]
    )

    # online ordering
    online_ordering_enabled = models.BooleanField(null=True, blank=True)
    online_ordering_scheduling = models.BooleanField(null=True, blank=True)
    special_requests = models.BooleanField(null=True, blank=True)
    special_requests_message = models.TextField(null=True, blank=True)
    # online ordering payment options
    delivery_cash = models.BooleanField(null=True, blank=True)
    delivery_cc_same_day = models.BooleanField(null=True, blank=True)
    delivery_cc_future = models.BooleanField(null=True, blank=True)
    takeout_cash = models.BooleanField(null=True, blank=True)
    takeout_cc_same_day = models.BooleanField(null=True, blank=True)
    takeout_cc_future = models.BooleanField(null=True, blank=True)
    takeout_cc_in_store = models.BooleanField(null=True, blank=True)
    cc_tip = models.BooleanField(null=True, blank=True)

    # prep times, in minutes
    delivery_prep_time = models.IntegerField(
        null=True, blank=True, validators=[validators.validate_non_negative]
    )
    delivery_time_after_open = models.IntegerField(
        null=True, blank=True, validators=[validators.validate_non_negative]
    )
    delivery_time_before_close = models.IntegerField(
        null=True, blank=True, validators=[validators.validate_non_negative]
    )
    takeout_prep_time = models.IntegerField(
        null=True, blank=True, validators=[validators.validate_non_negative]
    )
    takeout_time_after_open = models.IntegerField(
        null=True, blank=True, validators=[validators.validate_non_negative]
    )
    takeout_time_before_close = models.IntegerField(
        null=True, blank=True, validators=[validators.validate_non_negative]
    )
    takeout_throttling_time = models.IntegerField(
        null=True, blank=True, validators=[validators.validate_non_negative]
    )
    delivery_throttling_time = models.IntegerField(
        null=True, blank=True, validators=[validators.validate_non_negative]
    )

    # online ordering availability (the platform's restaurant availability): with no
    # event yet the restaurant counts as online, as the platform says.
    availability = models.CharField(
        max_length=8, choices=Availability.choices, default=Availability.ONLINE
    )
    availability_reason = models.TextField(blank=True)
    availability_since = models.DateTimeField(
        null=True, blank=True, help_text="When the platform says the current availability began."
    )
    availability_source = models.CharField(
        max_length=8, choices=AvailabilitySource.choices, default="", blank=True
    )
    # The order of availability records, as for partner events (Connection.last_event_at):
    # a record that is not later than the one applied last changes nothing.
    availability_at = models.DateTimeField(
        null=True, blank=True, help_text="When the availability record applied last happened."
    )
    availability_webhook_id = models.PositiveBigIntegerField(null=True, blank=True)

    # bookkeeping
    content_sha256 = models.CharField(max_length=64, blank=True)
    first_seen_at = models.DateTimeField(default=timezone.now)
    last_fetched_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_changed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True, help_text="Onboarding staff's own notes.")

    # the onboarding work (restaurants/stages.py); never written by a sync
    stage = models.CharField(
        max_length=16, choices=Stage.choices, default=Stage.PROSPECT, db_index=True
    )
    stage_since = models.DateTimeField(default=timezone.now)
    stage_reason = models.TextField(
        blank=True, help_text="Why staff blocked it, or put it live with the checklist incomplete."
    )
    # When it first reached each point of onboarding (restaurants/milestones.py):
    # the stage changes' earliest instants, kept here for the metrics.
    onboarding_started_at = models.DateTimeField("started onboarding", null=True, blank=True)
    reached_connected_at = models.DateTimeField("first connected", null=True, blank=True)
    reached_data_received_at = models.DateTimeField("first data received", null=True, blank=True)
    reached_in_review_at = models.DateTimeField("first in review", null=True, blank=True)
    reached_live_at = models.DateTimeField("first live", null=True, blank=True)
    time_to_live = models.DurationField(
        null=True, blank=True, help_text="From starting onboarding to first going live."
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_restaurants",
    )
    next_step = models.TextField(blank=True)
    next_step_due = models.DateField(null=True, blank=True, db_index=True)
    # Automatic reminders to the restaurant while its checklist is incomplete
    # (restaurants/reminders.py says which are due).
    reminders_paused = models.BooleanField(default=False)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_reminder_at = models.DateTimeField(null=True, blank=True)
    # The onboarding checklist as it stands, and the connection's status, kept by
    # restaurants/onboarding.py's refresh at every write of their inputs, so lists
    # sort and filter on a column.
    connection_status = models.CharField(
        max_length=16, choices=ConnectionStatus.choices, default=ConnectionStatus.PROSPECT
    )
    onboarding_done = models.PositiveSmallIntegerField(
        default=0, help_text="How many of the onboarding checklist's items are done."
    )
    onboarding_items = models.PositiveSmallIntegerField(
        default=0, help_text="The done checklist items, a bit each in onboarding.ITEMS order."
    )

    objects = RestaurantQuerySet.as_manager()

    class Meta:
        ordering = ["name", "location_name"]
        indexes = [
            models.Index(fields=["name"]),
            models.Index(fields=["time_zone"]),
            # A board column's order, covered: sorting the index's entries of a
            # stage, not the stage's whole rows, is most of the board's speed.
            models.Index(
                fields=["stage", "next_step_due", "stage_since", "guid"], name="board_column_order"
            ),
            # The metrics' counts of the milestones (restaurants/milestones.py), read
            # from these indexes alone: the funnel's scan of the whole table took 9 ms
            # at 10,000 restaurants, its scan of the first index 2 ms.
            models.Index(
                fields=[
                    "onboarding_started_at",
                    "reached_connected_at",
                    "reached_data_received_at",
                    "reached_in_review_at",
                    "reached_live_at",
                ],
                name="onboarding_milestones",
            ),
            models.Index(fields=["reached_live_at", "time_to_live"], name="went_live"),
            # Everything the all-restaurants map reads (its legend's counts, its markers),
            # so that neither reads the restaurants' wide rows: at 10,000 restaurants
            # the map's page took 20 ms with its legend's scan of the table, 5.5 with this.
            models.Index(
                fields=["stage", "latitude", "longitude", "guid", "name", "location_name"],
                name="map_markers",
            ),
            # The longest in each stage first (metrics.longest_stuck), read in order.
            models.Index(fields=["stage", "stage_since"], name="stage_since"),
            # The list's sorts by onboarding progress (portal/staff/filters.py's SORTS),
            # and its progress filter under the default order by name.
            models.Index(fields=["onboarding_done", "name", "guid"], name="order_progress"),
            models.Index(fields=["-onboarding_done", "name", "guid"], name="order_progress_desc"),
            # The list filtered by connection status, in its default order, and the
            # dashboard's figures of the status counted from the index alone.
            models.Index(
                fields=["connection_status", "name", "guid"],
                include=["last_fetched_at"],
                name="connection_status_order",
            ),
            # The few with an error: their count and their list, without reading the rest.
            models.Index(
                fields=["name", "guid"], condition=~models.Q(last_error=""), name="with_errors"
            ),
            # The admin's state filter lists the distinct states from it (a value a probe).
            models.Index(fields=["state_code"], name="state_code"),
        ]
        permissions = [
            (
                "work_on_restaurant",
                "Can do onboarding work: stage, owner, next step, notes, contacts, messages",
            )
        ]

    def __str__(self):
        label = " – ".join(part for part in (self.name, self.location_name) if part)
        return label or str(self.guid)

    def get_absolute_url(self):
        return reverse("restaurant-detail", args=[self.guid])

    @property
    def has_data(self):
        return bool(self.content_sha256)

    # Predicates for one restaurant already read, agreeing with _CONDITIONS (the
    # querysets' filters): a page shows the same as the list it links from.
    @property
    def connection_or_none(self):
        try:
            return self.connection
        except Connection.DoesNotExist:
            return None

    def is_connected(self):
        connection = self.connection_or_none
        return connection is not None and connection.status == Connection.Status.CONNECTED

    @property
    def overdue(self):
        """The next step's due date has passed (in the portal's time zone)."""
        return self.next_step_due is not None and self.next_step_due < timezone.localdate()

    def is_taking_online_orders(self):
        return self.is_connected() and self.availability != self.Availability.OFFLINE

    @property
    def days_in_stage(self):
        return max((timezone.now() - self.stage_since).days, 0)

    def is_stale(self, now=None):
        fetched = self.last_fetched_at
        return self.is_connected() and (fetched is None or fetched < stale_cutoff(now))


class DaySchedule(models.Model):
    restaurant = models.ForeignKey(
        Restaurant, on_delete=models.CASCADE, related_name="day_schedules"
    )
    key = models.TextField(help_text="Identifier used by the week schedule.")
    schedule_name = models.TextField(null=True, blank=True)
    open_time = models.TimeField(null=True, blank=True)
    close_time = models.TimeField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["restaurant", "position"]
        constraints = [
            models.UniqueConstraint(fields=["restaurant", "key"], name="unique_day_schedule_key")
        ]

    def __str__(self):
        return self.schedule_name or self.key


class Service(models.Model):
    day_schedule = models.ForeignKey(DaySchedule, on_delete=models.CASCADE, related_name="services")
    name = models.TextField(null=True, blank=True)
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    overnight = models.BooleanField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["day_schedule", "position"]

    def __str__(self):
        return self.name or f"service {self.position + 1}"


class Snapshot(models.Model):
    """One payload as fetched: what the platform said, and when."""

    class Source(models.TextChoices):
        API = "api", "Restaurants API"
        IMPORT = "import", "Imported file"

    restaurant = models.ForeignKey(Restaurant, on_delete=models.CASCADE, related_name="snapshots")
    fetched_at = models.DateTimeField(default=timezone.now, db_index=True)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.API)
    sha256 = models.CharField(max_length=64)
    payload = models.JSONField()

    class Meta:
        ordering = ["-fetched_at", "-id"]
        get_latest_by = "fetched_at"

    def __str__(self):
        return f"{self.restaurant_id} at {self.fetched_at:%Y-%m-%d %H:%M}"


class ConnectionQuerySet(models.QuerySet):
    def connected(self):
        return self.filter(status=Connection.Status.CONNECTED)

    def of(self, guids):
        """The connections of these restaurants; a value that is no GUID matches none.
        The GUIDs are parsed here once: the ORM's own handling of a list of 1,000
        GUID strings took longer than the query."""
        return self.filter(restaurant_id__in=[g for g in map(as_uuid, guids) if g is not None])

    def removed(self):
        return self.filter(status=Connection.Status.REMOVED)


class Connection(models.Model):
    """The restaurant's access grant to the integration (the partners API's view)."""

    class Status(models.TextChoices):
        CONNECTED = "connected", "Connected"
        REMOVED = "removed", "Removed"

    restaurant = models.OneToOneField(
        Restaurant, on_delete=models.CASCADE, primary_key=True, related_name="connection"
    )
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.CONNECTED, db_index=True
    )
    management_group_guid = models.UUIDField(null=True, blank=True, db_index=True)
    restaurant_name = models.TextField(blank=True)
    location_name = models.TextField(blank=True)
    external_group_ref = models.TextField(blank=True, db_index=True)
    external_restaurant_ref = models.TextField(blank=True, db_index=True)
    created_by_email = models.TextField(blank=True)
    deleted = models.BooleanField(
        default=False, help_text="The platform says the restaurant no longer operates."
    )
    created_date = models.DateTimeField(null=True, blank=True)
    modified_date = models.DateTimeField(null=True, blank=True)
    details = models.JSONField(
        default=dict, blank=True, help_text="The last partner record or webhook details, as sent."
    )
    connected_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)
    # The order of partner events (integrations/sync/lifecycle.py): a record that
    # is not later than the one applied last changes nothing.
    last_event_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the partner event applied last happened: a webhook's timestamp, "
        "or the instant a partners poll's record counts at.",
    )
    last_event_webhook_id = models.PositiveBigIntegerField(
        null=True,
        blank=True,
        help_text="The webhook event applied last (none for a poll); orders events of the "
        "same timestamp by arrival.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ConnectionQuerySet.as_manager()

    class Meta:
        ordering = ["restaurant_name"]
        # The admin's change list in its order (the GUID makes it total): without it,
        # each page sorted all 135,000 connections (47 ms).
        indexes = [models.Index(fields=["restaurant_name", "restaurant"], name="connection_order")]

    def __str__(self):
        return f"{self.restaurant_name or self.restaurant_id} ({self.get_status_display()})"


class StatusLinkQuerySet(models.QuerySet):
    def active(self, now=None):
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())


class StatusLink(models.Model):
    """A private link to one restaurant's onboarding status, sent by staff.

    The URL carries a signed (link id, nonce) pair; see restaurants/status_links.py.
    """

    restaurant = models.ForeignKey(
        Restaurant, on_delete=models.CASCADE, related_name="status_links"
    )
    nonce = models.CharField(max_length=32, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_opened_at = models.DateTimeField(null=True, blank=True)

    objects = StatusLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Status link #{self.pk} for {self.restaurant_id}"


# The onboarding work (DESIGN.md, "Onboarding work"): each restaurant's stage,
# owner and next step are columns of the restaurant, so the board and the lists
# read them with the restaurant; their changes are rows of their own.


class StageChange(models.Model):
    """One move of a restaurant from a stage to another: who (nobody: the platform's
    facts), when and why. Metrics are computed from these rows."""

    restaurant = models.ForeignKey(
        Restaurant, on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.CharField(max_length=16, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=16, choices=Stage.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty when the platform's facts moved the restaurant.",
    )
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            # A restaurant's first change of a kind (restaurants/milestones.py): with
            # only (to_stage, at), SQLite read every change of that stage a restaurant.
            models.Index(fields=["restaurant", "to_stage", "at"]),
            models.Index(fields=["to_stage", "at"]),
        ]

    def __str__(self):
        return f"{self.restaurant_id}: {self.from_stage or '—'} → {self.to_stage}"


class TimelineEntry(models.Model):
    """Something that happened to a restaurant, as its timeline shows it.

    Written once and never changed: a staff action's entry is its audit record
    (who, when, what, before → after). Data changes are not entries: the
    timeline reads them from the snapshots (restaurants/timeline.py).
    """

    class Kind(models.TextChoices):
        PLATFORM = "platform", "Platform event"
        CHECKLIST = "checklist", "Checklist"
        STAGE = "stage", "Stage"
        OWNER = "owner", "Owner"
        NEXT_STEP = "next_step", "Next step"
        NOTE = "note", "Note"
        CONTACT = "contact", "Contact"
        STATUS_LINK = "status_link", "Status link"
        REFRESH = "refresh", "Refresh"
        EMAIL = "email", "Email"
        AVAILABILITY = "availability", "Taking orders"

    restaurant = models.ForeignKey(Restaurant, on_delete=models.CASCADE, related_name="timeline")
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # What happened within the kind, for code and filters: "connected", "go_live", "sent"...
    action = models.CharField(max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The staff user who did it; empty for the platform and the portal itself.",
    )
    summary = models.TextField()
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["restaurant", "-at", "-id"])]
        verbose_name_plural = "timeline entries"

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}: {self.summary[:60]}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError("A timeline entry is a record: it is never changed.")
        super().save(*args, **kwargs)


class Contact(models.Model):
    """A person at the restaurant staff can write to."""

    class Source(models.TextChoices):
        PARTNER = "partner", "Connected the integration"
        STAFF = "staff", "Added by staff"

    restaurant = models.ForeignKey(Restaurant, on_delete=models.CASCADE, related_name="contacts")
    name = models.TextField(blank=True)
    email = models.EmailField(max_length=254)
    phone = models.TextField(blank=True)
    role = models.TextField(blank=True)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.STAFF)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["source", "name", "email"]
        constraints = [
            models.UniqueConstraint(fields=["restaurant", "email"], name="unique_contact_email")
        ]

    def __str__(self):
        return f"{self.name} <{self.email}>" if self.name else self.email
