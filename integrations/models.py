"""What the portal records about its traffic with the platform.

Webhook events, API failures, halted requests, alerts, maintenance windows,
the circuit breaker's state and sync runs are rows, so staff can see them and
every worker process, on any machine, shares them.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from restaurants.models import Connection


class WebhookEventQuerySet(models.QuerySet):
    def received(self):
        """Stored and not applied yet: what a drain takes (sync/webhook_events.py)."""
        return self.filter(status=WebhookEvent.Status.RECEIVED)


class WebhookEvent(models.Model):
    """A partners webhook delivery, stored once per event GUID."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        PROCESSED = "processed", "Processed"
        FAILED = "failed", "Failed"
        STALE = "stale", "Stale, not applied"

    guid = models.UUIDField(unique=True)
    event_type = models.CharField(max_length=64, db_index=True)
    event_category = models.CharField(max_length=64)
    timestamp = models.DateTimeField(help_text="When the platform says the event happened.")
    restaurant_guid = models.UUIDField(null=True, blank=True, db_index=True)
    payload = models.JSONField()
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    deliveries = models.PositiveIntegerField(default=1)
    attempt_number = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="The platform's Toast-Attempt-Number of the latest delivery (1 is the first).",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RECEIVED)
    processed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    outcome = models.TextField(
        blank=True, help_text="What processing did: the change made, or why it changed nothing."
    )

    objects = WebhookEventQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            # The few events a drain has still to apply, among 90 days of them.
            models.Index(
                fields=["id"], condition=models.Q(status="received"), name="webhook_event_received"
            )
        ]

    def __str__(self):
        return f"{self.event_type} {self.restaurant_guid} ({self.received_at:%Y-%m-%d %H:%M})"


class ApiFailure(models.Model):
    """One failed call to the platform, with what support will ask for."""

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    method = models.CharField(max_length=8)
    endpoint = models.CharField(
        max_length=255, help_text="Path template, e.g. /restaurants/v1/restaurants/{guid}"
    )
    path = models.CharField(max_length=1024)
    restaurant_guid = models.UUIDField(null=True, blank=True, db_index=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=32, help_text="http, timeout, connection, malformed, ...")
    request_id = models.CharField(max_length=128, blank=True)
    message = models.TextField(blank=True)
    attempt = models.PositiveSmallIntegerField(default=1)
    will_retry = models.BooleanField(default=False)

    class Meta:
        ordering = ["-occurred_at", "-id"]

    def __str__(self):
        return f"{self.method} {self.endpoint} → {self.status_code or self.kind}"


class RequestHalt(models.Model):
    """The halting mechanism's memory of one request (method + endpoint + restaurant)."""

    class Status(models.TextChoices):
        FAILING = "failing", "Failing"
        HALTED = "halted", "Halted"
        RESUMED = "resumed", "Resumed"

    key = models.CharField(max_length=64, unique=True)
    method = models.CharField(max_length=8)
    endpoint = models.CharField(max_length=255)
    restaurant_guid = models.UUIDField(null=True, blank=True, db_index=True)
    signature = models.CharField(max_length=255, help_text="How it fails, e.g. 'http 500'.")
    failure_count = models.PositiveIntegerField(default=0)
    last_message = models.TextField(blank=True)
    last_request_id = models.CharField(max_length=128, blank=True)
    first_failed_at = models.DateTimeField(default=timezone.now)
    last_failed_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.FAILING, db_index=True
    )
    halted_at = models.DateTimeField(null=True, blank=True)
    resumed_at = models.DateTimeField(null=True, blank=True)
    resumed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-last_failed_at"]

    def __str__(self):
        return f"{self.method} {self.endpoint} {self.restaurant_guid or ''} ({self.status})"


class Alert(models.Model):
    class Level(models.TextChoices):
        WARNING = "warning", "Warning"
        ERROR = "error", "Error"

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    level = models.CharField(max_length=16, choices=Level.choices, default=Level.ERROR)
    kind = models.CharField(max_length=32, help_text="halt, circuit, auth, ...")
    title = models.CharField(max_length=255)
    message = models.TextField(blank=True)
    restaurant_guid = models.UUIDField(null=True, blank=True, db_index=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    @property
    def is_open(self):
        return self.acknowledged_at is None


class MaintenanceWindowQuerySet(models.QuerySet):
    def active(self, now=None):
        now = now or timezone.now()
        return self.filter(starts_at__lte=now, ends_at__gt=now)

    def upcoming(self, now=None):
        return self.filter(starts_at__gt=now or timezone.now())


class MaintenanceWindow(models.Model):
    """A planned platform maintenance: no reads are sent while it lasts."""

    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = MaintenanceWindowQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="maintenance_ends_after_start",
            )
        ]

    def __str__(self):
        return f"{self.starts_at:%Y-%m-%d %H:%M} – {self.ends_at:%Y-%m-%d %H:%M} {self.reason}"


class CircuitState(models.Model):
    """The platform-wide circuit breaker; a single row shared by all workers."""

    class State(models.TextChoices):
        CLOSED = "closed", "Closed (platform healthy)"
        OPEN = "open", "Open (platform failing, backing off)"
        HALF_OPEN = "half_open", "Half-open (probing)"

    state = models.CharField(max_length=16, choices=State.choices, default=State.CLOSED)
    opened_at = models.DateTimeField(null=True, blank=True)
    next_probe_at = models.DateTimeField(null=True, blank=True)
    consecutive_opens = models.PositiveIntegerField(default=0)
    reason = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.get_state_display()

    @classmethod
    def current(cls):
        state, _ = cls.objects.get_or_create(pk=1)
        return state


class SyncRunQuerySet(models.QuerySet):
    def with_losses(self) -> "SyncRunQuerySet":
        """With each run's lost chunks fetched in one more query, for `loss_reports`."""
        lost = RefreshChunk.objects.filter(status=RefreshChunk.Status.LOST).order_by("lost_at")
        return self.prefetch_related(models.Prefetch("chunks", queryset=lost, to_attr="lost"))


class SyncRun(models.Model):
    """One discovery, poll or refresh run, with live progress."""

    class Kind(models.TextChoices):
        POLL = "poll", "Partners poll"
        DISCOVER = "discover", "Group discovery"
        REFRESH = "refresh", "Restaurant refresh"

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", "Schedule"
        WEBHOOK = "webhook", "Webhook"
        STAFF = "staff", "Staff"
        COMMAND = "command", "Command"
        STARTUP = "startup", "Start-up"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    trigger = models.CharField(max_length=16, choices=Trigger.choices)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    progressed_at = models.DateTimeField(
        default=timezone.now, help_text="Last time a worker reported progress."
    )
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    halted = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(
        default=0, help_text="Removed meanwhile, or already being refreshed by another worker."
    )
    prospects = models.PositiveIntegerField(
        default=0, help_text="Restaurants a discovery found in connected groups, new here."
    )
    error = models.TextField(blank=True)
    source = models.CharField(
        max_length=64, blank=True, help_text="The partners endpoint that listed the connections."
    )
    fallback_reason = models.TextField(
        blank=True, help_text="Why connectedRestaurants did not serve this run."
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A poll's or a discovery's one task: who runs it and its heartbeat (sync/run_tasks.py).
    holder = models.CharField(
        max_length=128, blank=True, help_text="host:pid:token of the worker running its task."
    )
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    lost_on = models.CharField(
        max_length=128, blank=True, help_text="The host whose worker was last lost running it."
    )
    requeues = models.PositiveIntegerField(
        default=0, help_text="Times its task was queued again after its worker was lost."
    )

    objects = SyncRunQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk} ({self.get_status_display()})"

    def loss_reports(self) -> list[str]:
        """What became of the work whose worker was lost: the run's own task (a poll, a
        discovery), then its chunks, oldest first."""
        lost = getattr(self, "lost", None)
        if lost is None:
            lost = self.chunks.filter(status=RefreshChunk.Status.LOST).order_by("lost_at")
        own = [self.task_loss_report()] if self.requeues else []
        return own + [chunk.loss_report() for chunk in lost]

    def task_loss_report(self) -> str:
        where = f"Worker lost on host {self.lost_on}" if self.lost_on else "Queued task lost"
        times = f" ({self.requeues} times)" if self.requeues > 1 else ""
        return f"{where}, {self.get_kind_display().lower()} queued again{times}"

    @property
    def percent(self):
        return 100 if not self.total else min(100, round(100 * self.done / self.total))


class RefreshClaim(models.Model):
    """A connected restaurant a refresh chunk is working on: no other refreshes it meanwhile.

    The sync's own row, beside the domain's Connection: see sync/claims.py.
    """

    connection = models.OneToOneField(
        Connection, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    holder = models.CharField(
        max_length=128, help_text="host:pid:chunk of the chunk that holds the claim."
    )
    until = models.DateTimeField(help_text="When the claim lapses, if never let go.")

    def __str__(self):
        return f"{self.connection_id} held by {self.holder} until {self.until:%H:%M:%S}"


class RefreshChunk(models.Model):
    """One queue task's share of a refresh run, with the heartbeat that shows it is alive.

    A chunk whose heartbeat stops (its worker was killed, its machine lost) is
    found by the recovery sweep (sync/recovery.py), which queues what it had not
    finished again as a new chunk of the same run.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        LOST = "lost", "Lost"

    run = models.ForeignKey(SyncRun, on_delete=models.CASCADE, related_name="chunks")
    guids = models.JSONField(default=list, help_text="Its restaurants; emptied once done.")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    holder = models.CharField(
        max_length=128, blank=True, help_text="host:pid:chunk of the process working on it."
    )
    queued_at = models.DateTimeField(default=timezone.now)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    done = models.PositiveIntegerField(default=0, help_text="Restaurants counted in the run.")
    lost_at = models.DateTimeField(null=True, blank=True)
    requeued = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["status", "heartbeat_at"])]

    def __str__(self):
        return f"Chunk #{self.pk} of run #{self.run_id} ({self.get_status_display()})"

    def is_lost(self) -> bool:
        return self.status == self.Status.LOST

    @property
    def host(self) -> str:
        return self.holder.partition(":")[0]

    def loss_report(self) -> str:
        """What staff read: where the work was lost and what became of it."""
        where = f"Worker lost on host {self.host}" if self.holder else "Queued task lost"
        return f"{where}, {self.requeued} restaurants re-queued"


class PollState(models.Model):
    """When the partners API was last read successfully: the next poll's lastModified."""

    last_success_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_source = models.CharField(
        max_length=64, blank=True, help_text="The partners endpoint that served the last poll."
    )
    last_fallback_reason = models.TextField(
        blank=True, help_text="Why connectedRestaurants did not serve the last poll."
    )

    def __str__(self):
        return f"Last successful poll: {self.last_success_at or 'never'}"

    @classmethod
    def current(cls):
        state, _ = cls.objects.get_or_create(pk=1)
        return state


class RateBudget(models.Model):
    """One platform rate-limit budget, shared by every worker: see integrations/budgets.py."""

    bucket = models.CharField(max_length=64, primary_key=True)
    second = models.BigIntegerField(default=0, help_text="The current one-second slice.")
    second_count = models.PositiveIntegerField(default=0)
    carry = models.PositiveIntegerField(
        default=0, help_text="Requests sent late in this slice, also counted in the next."
    )
    window = models.BigIntegerField(default=0, help_text="The current long window's number.")
    window_count = models.PositiveIntegerField(default=0)
    paused_until = models.FloatField(default=0, help_text="Epoch seconds; after a 429.")

    def __str__(self):
        return self.bucket


class AccessToken(models.Model):
    """The platform access token every worker shares: one row (pk=1).

    In the database, not only a cache, so that restarting every process (and
    an emptied Redis) goes on with the same token: the platform's guide asks
    for each token to be used at least 30 minutes. The value is a credential
    (it lives about a day): stored sealed (integrations/sealed.py), no admin
    page shows it and no log line carries it.
    """

    value = models.TextField(blank=True, help_text="The token, sealed.")
    fingerprint = models.CharField(max_length=64, blank=True, help_text="Finds the sealed token.")
    obtained_at = models.DateTimeField(null=True, blank=True)
    renew_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    refused_at = models.DateTimeField(
        null=True, blank=True, help_text="When the platform answered 401 to it."
    )
    # The one worker logging in right now, and until when its claim holds.
    login_by = models.CharField(max_length=128, blank=True)
    login_until = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Access token obtained {self.obtained_at or 'never'}"


class TokenLogin(models.Model):
    """One login the portal made: the platform allows two an hour."""

    at = models.DateTimeField(db_index=True)
    reason = models.CharField(max_length=64, help_text="first token, renewal, token refused, ...")
    by = models.CharField(max_length=128, blank=True, help_text="host:pid")
    lifetime_seconds = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self):
        return f"Login at {self.at:%Y-%m-%d %H:%M:%S} ({self.reason})"
