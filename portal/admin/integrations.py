"""Admin for the platform traffic: what staff inspect, resume and schedule.

Records made by the portal itself (events, failures, runs, the circuit) are
read-only here; staff act on them through actions — resume a halted request,
acknowledge an alert — and enter planned maintenance windows.
"""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html

from integrations import halting
from integrations.models import (
    Alert,
    ApiFailure,
    CircuitState,
    MaintenanceWindow,
    PollState,
    RateBudget,
    RequestHalt,
    SyncRun,
    TokenLogin,
    WebhookEvent,
)
from portal.admin.date_filter import DateFilter
from portal.admin.readonly import ReadOnlyAdmin


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    list_display = [
        "received_at",
        "event_type",
        "restaurant_guid",
        "status",
        "outcome",
        "deliveries",
        "attempt_number",
    ]
    list_filter = ["event_type", "status", ("received_at", DateFilter)]
    search_fields = ["guid", "restaurant_guid"]


@admin.register(ApiFailure)
class ApiFailureAdmin(ReadOnlyAdmin):
    list_display = [
        "occurred_at",
        "method",
        "endpoint",
        "restaurant_guid",
        "status_code",
        "kind",
        "request_id",
        "attempt",
        "will_retry",
    ]
    list_filter = ["kind", "status_code", "endpoint", "will_retry", ("occurred_at", DateFilter)]
    search_fields = ["restaurant_guid", "request_id", "message", "path"]


@admin.register(RequestHalt)
class RequestHaltAdmin(ReadOnlyAdmin):
    list_display = [
        "status",
        "method",
        "endpoint",
        "restaurant_guid",
        "signature",
        "failure_count",
        "last_failed_at",
        "resumed_by",
    ]
    list_filter = ["status", "endpoint"]
    search_fields = ["restaurant_guid", "last_message", "last_request_id"]
    actions = ["resume"]

    @admin.action(description="Resume the selected halted requests", permissions=["resume"])
    def resume(self, request, queryset):
        halted = list(queryset.filter(status=RequestHalt.Status.HALTED))
        for halt in halted:
            halting.resume(halt, request.user)
        self.message_user(request, f"Resumed {len(halted)} request(s).", messages.SUCCESS)

    def has_resume_permission(self, request):
        return request.user.has_perm("integrations.change_requesthalt")


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "level", "kind", "title", "restaurant_guid", "acknowledged"]
    list_filter = ["level", "kind", ("acknowledged_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "message", "restaurant_guid"]
    actions = ["acknowledge"]

    @admin.display(boolean=True)
    def acknowledged(self, alert):
        return not alert.is_open

    @admin.action(description="Acknowledge the selected alerts", permissions=["acknowledge"])
    def acknowledge(self, request, queryset):
        count = queryset.filter(acknowledged_at__isnull=True).update(
            acknowledged_at=timezone.now(), acknowledged_by=request.user
        )
        self.message_user(request, f"Acknowledged {count} alert(s).", messages.SUCCESS)

    def has_acknowledge_permission(self, request):
        return request.user.has_perm("integrations.change_alert")


@admin.register(MaintenanceWindow)
class MaintenanceWindowAdmin(admin.ModelAdmin):
    list_display = ["starts_at", "ends_at", "reason", "created_by", "state"]
    fields = ["starts_at", "ends_at", "reason"]
    search_fields = ["reason"]

    @admin.display(description="State")
    def state(self, window):
        now = timezone.now()
        if window.starts_at <= now < window.ends_at:
            return "In progress: reads paused"
        return "Planned" if window.starts_at > now else "Past"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(CircuitState)
class CircuitStateAdmin(ReadOnlyAdmin):
    list_display = ["state", "opened_at", "next_probe_at", "consecutive_opens", "reason"]


@admin.register(SyncRun)
class SyncRunAdmin(ReadOnlyAdmin):
    list_display = [
        "__str__",
        "trigger",
        "started_at",
        "finished_at",
        "progress",
        "total",
        "changed",
        "unchanged",
        "failed",
        "halted",
        "skipped",
        "source",
        "losses",
    ]
    list_filter = ["kind", "trigger", "status", "source", ("started_at", DateFilter)]

    def get_queryset(self, request):
        return super().get_queryset(request).with_losses()

    @admin.display(description="Lost workers")
    def losses(self, run):
        return "; ".join(run.loss_reports())

    @admin.display(description="Progress")
    def progress(self, run):
        return format_html(
            '<progress max="100" value="{}" data-sync-run="{}"></progress> {}%',
            run.percent,
            run.pk,
            run.percent,
        )


@admin.register(PollState)
class PollStateAdmin(ReadOnlyAdmin):
    list_display = [
        "__str__",
        "last_attempt_at",
        "last_source",
        "last_fallback_reason",
        "last_error",
    ]


@admin.register(RateBudget)
class RateBudgetAdmin(ReadOnlyAdmin):
    list_display = ["bucket", "second_count", "window_count", "paused_until"]
    search_fields = ["bucket"]


@admin.register(TokenLogin)
class TokenLoginAdmin(ReadOnlyAdmin):
    list_display = ["at", "reason", "by", "lifetime_seconds"]
    list_filter = ["reason", ("at", DateFilter)]
