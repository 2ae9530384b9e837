"""Staff page render times with 10,000 restaurants, against Django admin's own change list
and, for the onboarding pages (metrics, the map, the board, "My restaurants"), against the
staff restaurant list.

Median of repeated renders through the test client (real views, templates,
database), each page as a ratio of the admin's Restaurant change list of the
same data in the same run.
"""

import datetime
import statistics
import time
import uuid

from django.contrib.auth.models import User
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from restaurants import milestones, onboarding
from restaurants.models import Connection, DaySchedule, Restaurant, Service, Stage, StageChange
from restaurants.restaurant_info import parse
from tests.payloads import load_payload

RESTAURANTS = 10_000
ROUNDS = 15
# The map's page frames its document, which loads every marker as JSON.
MAP_PAGE = ("/map/", "/map/frame/")


def run():
    guid = _populate()
    user = User.objects.create_superuser("bench", password="bench-only-password")
    _give_work(user)
    client = Client()
    client.force_login(user)
    pages = [
        "/admin/restaurants/restaurant/",
        "/restaurants/",
        f"/restaurants/{guid}/",
        "/onboarding/metrics/",
        "/map/markers.json",
        "/onboarding/",
        "/onboarding/mine/",
    ]
    with override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False):
        times = _medians(client, [*pages, *MAP_PAGE])
    admin, listing, detail, metrics, markers, board, mine = (times[url] for url in pages)
    map_page = sum(times[url] for url in MAP_PAGE)
    print(
        f"   median: admin change list {admin * 1000:.0f} ms, list {listing * 1000:.0f} ms, "
        f"restaurant page {detail * 1000:.0f} ms, metrics {metrics * 1000:.0f} ms, "
        f"map page + frame {map_page * 1000:.0f} ms, its markers {markers * 1000:.0f} ms, "
        f"board {board * 1000:.0f} ms, my restaurants {mine * 1000:.0f} ms "
        f"({RESTAURANTS:,} restaurants)"
    )
    return [
        ("staff_list_vs_admin_changelist", listing / admin, "fixed queries; lower is better"),
        ("staff_detail_vs_admin_changelist", detail / admin, "fixed queries; lower is better"),
        ("metrics_page_vs_staff_list", metrics / listing, "<= 1.5"),
        ("map_page_vs_staff_list", map_page / listing, "<= 1.5"),
        ("map_markers_vs_staff_list", markers / listing, "<= 1.5"),
        ("onboarding_board_vs_staff_list", board / listing, "<= 1.5"),
        ("my_restaurants_vs_staff_list", mine / listing, "<= 1.5"),
    ]


def _medians(client, urls):
    """Each page's median render time. The pages take turns, a round each, so that
    the machine's other work weighs on all of them alike (on a shared machine a
    page measured after the other's rounds could fall in a busier minute)."""
    for url in urls:
        client.get(url)  # warm caches and templates
    times = {url: [] for url in urls}
    for _ in range(ROUNDS):
        for url in urls:
            started = time.perf_counter()
            response = client.get(url)
            times[url].append(time.perf_counter() - started)
            assert response.status_code == 200, url
    return {url: statistics.median(taken) for url, taken in times.items()}


def _populate():
    parsed = parse(load_payload("restaurant_full"))
    guids = [uuid.uuid4() for _ in range(RESTAURANTS)]
    Restaurant.objects.bulk_create(
        (
            Restaurant(guid=g, **{**parsed.values, "name": f"Restaurant {n:05d}"})
            for n, g in enumerate(guids)
        ),
        batch_size=1000,
    )
    Connection.objects.bulk_create((Connection(restaurant_id=g) for g in guids), batch_size=1000)
    _stages(guids)
    schedules = DaySchedule.objects.bulk_create(
        (
            DaySchedule(restaurant_id=g, key=day.key, position=day.position, **day.values)
            for g in guids
            for day in parsed.day_schedules
        ),
        batch_size=1000,
    )
    services = {day.key: day.services for day in parsed.day_schedules}
    Service.objects.bulk_create(
        (
            Service(day_schedule=s, position=p, **values)
            for s in schedules
            for p, values in enumerate(services[s.key])
        ),
        batch_size=2000,
    )
    for start in range(0, len(guids), 2000):  # the stored checklist, as the writers keep it
        onboarding.refresh(guids[start : start + 2000])
    return guids[0]


def _stages(guids):
    """Every stage in use, and a connected → live history for the live ones."""
    now = timezone.now()
    for n, stage in enumerate(Stage.values):
        Restaurant.objects.filter(pk__in=guids[n :: len(Stage.values)]).update(
            stage=stage, stage_since=now - datetime.timedelta(days=n * 3)
        )
    changes = []
    for n, g in enumerate(guids):
        start = now - datetime.timedelta(days=n % 90 + 10)
        changes.append(StageChange(restaurant_id=g, to_stage=Stage.CONNECTED, at=start))
        if Stage.values[n % len(Stage.values)] == Stage.LIVE:
            live = start + datetime.timedelta(days=n % 9 + 1)
            changes.append(StageChange(restaurant_id=g, to_stage=Stage.LIVE, at=live))
    StageChange.objects.bulk_create(changes, batch_size=2000)
    milestones.refresh(Restaurant.objects.all())


def _give_work(user):
    """A third of the restaurants the user's, some next steps overdue, some not yet due."""
    guids = list(Restaurant.objects.order_by("guid").values_list("guid", flat=True))
    today = timezone.localdate()
    Restaurant.objects.filter(pk__in=guids[::3]).update(owner=user)
    Restaurant.objects.filter(pk__in=guids[::5]).update(
        next_step="Call the manager", next_step_due=today - datetime.timedelta(days=2)
    )
    Restaurant.objects.filter(pk__in=guids[1::5]).update(
        next_step="Check the menu", next_step_due=today + datetime.timedelta(days=3)
    )
