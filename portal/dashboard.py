"""The staff dashboard at `/`: the state of onboarding and of the platform link, at a glance."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone

from integrations.models import (
    Alert,
    CircuitState,
    MaintenanceWindow,
    PollState,
    RequestHalt,
    SyncRun,
    WebhookEvent,
)
from portal.onboarding import my_work
from portal.staff.access import staff_view
from restaurants.models import Restaurant

RECENT = 10


@staff_view("restaurants.view_restaurant")
def dashboard(request):
    now = timezone.now()
    maintenance = MaintenanceWindow.objects.filter(ends_at__gt=now).order_by("starts_at")
    return render(
        request,
        "portal/dashboard.html",
        {
            "my_work": my_work.for_user(request.user, now),
            "counts": Restaurant.objects.figures(now),
            "stale_hours": settings.TOAST_STALE_AFTER_HOURS,
            "halts": RequestHalt.objects.filter(status=RequestHalt.Status.HALTED)[:RECENT],
            "failing": RequestHalt.objects.filter(status=RequestHalt.Status.FAILING).count(),
            "halted": RequestHalt.objects.filter(status=RequestHalt.Status.HALTED).count(),
            "alerts": Alert.objects.filter(acknowledged_at__isnull=True)[:RECENT],
            "circuit": CircuitState.objects.filter(pk=1).first(),
            "maintenance": maintenance[:RECENT],
            "now": now,
            "poll": PollState.objects.filter(pk=1).first(),
            "events": WebhookEvent.objects.all()[:RECENT],
            "runs": SyncRun.objects.select_related("requested_by").with_losses()[:RECENT],
        },
    )


@staff_view("integrations.view_syncrun")
def sync_progress(request):
    """Live progress of the latest runs, for the dashboard's progress bars."""
    runs = SyncRun.objects.all()[:RECENT]
    return JsonResponse(
        {
            "runs": [
                {
                    "id": run.pk,
                    "status": run.status,
                    "status_label": run.get_status_display(),
                    "percent": run.percent,
                    "done": run.done,
                    "total": run.total,
                    "changed": run.changed,
                    "unchanged": run.unchanged,
                    "failed": run.failed,
                    "halted": run.halted,
                    "skipped": run.skipped,
                }
                for run in runs
            ]
        }
    )
