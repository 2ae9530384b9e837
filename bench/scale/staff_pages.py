"""Staff pages at 150,000 restaurants on PostgreSQL: the restaurant list (first,
middle and last page, each filter and sort, searches), the dashboard, a restaurant
page, the admin's change list, and the CSV export of all of them.

The restaurants are written by the portal's own write path (restaurants.storage,
500 to a transaction), varied the way a large partner's are: about 10% prospects
(GUID only), 5% removed, accents in names, several hundred groups. A database that
already holds them is reused, so a second run measures at once.

    DATABASE_URL=postgres://... python -m bench.scale.staff_pages [restaurants]
"""

import os
import random
import resource
import statistics
import sys
import tempfile
import time
import uuid

RESTAURANTS = int(os.environ.get("BENCH_STAFF_RESTAURANTS", "150000"))
ROUNDS = int(os.environ.get("BENCH_STAFF_ROUNDS", "12"))
GOAL_MS = 300
BATCH = 500
WORDS = [
    "Café",
    "Grill",
    "Ramen",
    "Taquería",
    "Bistro",
    "Deli",
    "Pizzería",
    "Crêperie",
    "Burger",
    "Sushi",
    "Bakery",
    "Noodle",
    "Smokehouse",
    "Kitchen",
    "Cantina",
    "Diner",
]
CITIES = [
    f"{prefix}{suffix}"
    for prefix in ("North ", "South ", "East ", "West ", "New ", "")
    for suffix in (
        "Springfield",
        "Riverside",
        "Fairview",
        "Madison",
        "Georgetown",
        "Salem",
        "Clinton",
        "Franklin",
        "Greenville",
        "Bristol",
        "Montréal",
        "São Paulo",
        "Chicago",
        "Austin",
        "Denver",
        "Boston",
        "Portland",
    )
]


def run(report, size: int) -> None:
    """Each figure as `report(name, value, goal, unit)`, at `size` restaurants."""
    from django.db import connection

    if connection.vendor != "postgresql":
        print("   skipped: needs PostgreSQL (DATABASE_URL=postgres://...)")
        return
    for figure in measure(populate(size)):
        report(*figure)


def populate(total):
    """Writes restaurants until there are `total`; returns a restaurant's name to search."""
    from django.db import connection, transaction

    from restaurants import onboarding
    from restaurants.models import Connection, Restaurant
    from restaurants.restaurant_info import canonical_form, parse
    from restaurants.storage import Write, write_all
    from tests.payloads import load_payload

    have = Restaurant.objects.count()
    template = load_payload("restaurant_full")
    chance = random.Random(have)
    groups = [uuid.UUID(int=chance.getrandbits(128)) for _ in range(400)]
    sha = canonical_form(template)[0]
    started = time.monotonic()
    while have < total:
        count = min(BATCH, total - have)
        writes, connections, prospects = [], [], []
        for n in range(have, have + count):
            guid = uuid.UUID(int=chance.getrandbits(128))
            group = chance.choice(groups)
            if chance.random() < 0.1:  # a prospect: its GUID only
                prospects.append(Restaurant(guid=guid, management_group_guid=group))
                continue
            parsed = parse({**template, "guid": str(guid)})
            parsed.values.update(
                name=f"{chance.choice(WORDS)} {chance.choice(WORDS)} {n}",
                location_name=f"Location {n % 97}",
                location_code=f"LOC-{n:06d}",
                city=chance.choice(CITIES),
                management_group_guid=group,
                delivery_enabled=chance.random() < 0.6,
                online_ordering_enabled=chance.random() < 0.8,
                archived=chance.random() < 0.03,
            )
            writes.append(Write(parsed, "{}", sha, "api", _now()))
            status = "removed" if chance.random() < 0.05 else "connected"
            connections.append(
                Connection(
                    restaurant_id=guid,
                    status=status,
                    management_group_guid=group,
                    restaurant_name=parsed.values["name"],
                    external_restaurant_ref=f"ext-{n}",
                    external_group_ref=f"grp-{groups.index(group)}",
                )
            )
        with transaction.atomic():
            if writes:
                with connection.cursor() as cursor:
                    write_all(cursor, writes)
            Restaurant.objects.bulk_create(prospects)
            Connection.objects.bulk_create(connections)
            # The stored checklist, as the partner events of these connections keep it.
            onboarding.refresh(connection.restaurant_id for connection in connections)
        have += count
        if have % 10_000 < BATCH:
            rate = have / max(time.monotonic() - started, 0.001)
            print(f"   {have:,} restaurants ({rate:.0f}/s)", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as autovacuum would: index-only scans, fresh statistics
    return Restaurant.objects.exclude(name=None).order_by("guid").values_list("name", flat=True)[0]


def _now():
    from django.utils import timezone

    return timezone.now()


def measure(search):
    from django.contrib.auth.models import User
    from django.test import Client
    from django.test.utils import override_settings

    from restaurants.models import Restaurant

    user = User.objects.filter(username="bench-staff").first() or User.objects.create_superuser(
        "bench-staff", password="bench-only-password"
    )
    client = Client()
    client.force_login(user)
    total = Restaurant.objects.count()
    last = (total + 49) // 50
    guid = Restaurant.objects.exclude(name=None).order_by("guid").values_list("pk", flat=True)[0]
    word = search.split()[0]
    urls = {
        "list first page": "/restaurants/",
        "list middle page": f"/restaurants/?page={last // 2}",
        "list last page": f"/restaurants/?page={last}",
        "list page 200": "/restaurants/?page=200",
        "search by name": f"/restaurants/?q={search}",
        "search one word, by city": f"/restaurants/?q={word}&sort=city",
        "search one word, middle page": f"/restaurants/?q={word}&page=150",
        "search one word, past the last page": f"/restaurants/?q={word}&page=9999",
        "search accents folded": "/restaurants/?q=creperie",
        "search code": "/restaurants/?q=LOC-0012",
        "search external ref": "/restaurants/?q=ext-12345",
        "search GUID": f"/restaurants/?q={guid}",
        "filter connected, last page": f"/restaurants/?status=connected&page={last}",
        "filter prospects": "/restaurants/?status=prospect",
        "filter removed": "/restaurants/?status=removed",
        "filter archived": "/restaurants/?archived=yes",
        "filter delivery no": "/restaurants/?delivery=no",
        "filter ordering yes": "/restaurants/?ordering=yes",
        "filter stale": "/restaurants/?freshness=stale",
        "filter never fetched": "/restaurants/?freshness=never",
        "filter errors": "/restaurants/?errors=yes",
        "filter complete": "/restaurants/?progress=complete",
        "filter not started": "/restaurants/?progress=not-started",
        "filter time zone": "/restaurants/?tz=America/New_York",
        "sort name Z-A, last page": f"/restaurants/?sort=-name&page={last}",
        "sort city, middle page": f"/restaurants/?sort=city&page={last // 2}",
        "sort fetched newest": "/restaurants/?sort=-fetched",
        "sort fetched oldest, last page": f"/restaurants/?sort=fetched&page={last}",
        "sort changed": "/restaurants/?sort=-changed",
        "sort progress most, middle page": f"/restaurants/?sort=-progress&page={last // 2}",
        "sort progress least": "/restaurants/?sort=progress",
        "dashboard": "/",
        "restaurant page": f"/restaurants/{guid}/",
        "admin restaurants": "/admin/restaurants/restaurant/",
        "admin restaurants last page": f"/admin/restaurants/restaurant/?p={total // 100}",
        "admin restaurants middle page": f"/admin/restaurants/restaurant/?p={total // 200}",
        "admin restaurants filtered": "/admin/restaurants/restaurant/?connection_status=prospect",
        "admin connections": "/admin/restaurants/connection/",
        "admin connections last page": f"/admin/restaurants/connection/?p={total * 9 // 1000}",
    }
    figures = []
    with override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False):
        for label, url in urls.items():
            p95 = _p95(client, url)
            print(f"   {label}: p95 {p95:.0f} ms  ({url})", flush=True)
            name = "staff_" + label.replace(",", "").replace(" ", "_").replace("-", "_")
            figures.append((f"{name}_p95_vs_goal", p95 / GOAL_MS, f"<= 1 ({GOAL_MS} ms)", ""))
        figures.append(_csv(client, total))
    return figures


def _p95(client, url):
    assert client.get(url).status_code == 200, url  # warm caches and templates
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, url
    return statistics.quantiles(times, n=20)[-1]


def _csv(client, total):
    """All restaurants as CSV: rows, seconds, and the peak RSS it added."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    response = client.get("/restaurants/?format=csv")
    lines = sum(chunk.count(b"\n") for chunk in response.streaming_content)
    seconds = time.perf_counter() - started
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    print(f"   CSV: {lines - 1:,} rows of {total:,} in {seconds:.1f} s, peak RSS +{grown:.0f} MiB")
    return ("staff_csv_all_peak_rss_growth", grown, "<= 100", "MiB")


def main(argv):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
    # Hashed static names, as `make run` serves them.
    os.environ.setdefault("STATIC_ROOT", os.path.join(tempfile.gettempdir(), "bench-static"))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    from bench.scale.runner import Reporter

    report = Reporter()
    run(report, int(argv[0]) if argv else RESTAURANTS)
    print()
    report.summary()


if __name__ == "__main__":
    main(sys.argv[1:])
