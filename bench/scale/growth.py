"""Growth: the database of 150,000 restaurants after 30 days of daily refreshes with 2% of
them changing a day, computed from per-row sizes measured on PostgreSQL.

A sample of restaurants is discovered and refreshed on the real path (simulator
over loopback, the sync's chunks), refreshed a second time unchanged (every
restaurant's freshness stamp rewritten, as each day's refresh does), and then
every table's `pg_total_relation_size` (rows, indexes, TOAST, the day's dead
rows) is divided by its rows. A day adds a snapshot per changed restaurant and
one refresh run with its chunks; everything else stays one set of rows per
restaurant. `python -m bench.scale growth`; `size` is the restaurants computed for.
"""

from django.apps import apps
from django.conf import settings
from django.db import connection

from bench.scale import Report
from bench.sync import _prepare, sync_in_process
from integrations import platform
from integrations.models import RateBudget, RefreshChunk, SyncRun
from restaurants.models import Restaurant, Snapshot
from tests.platform import simulator_process

SAMPLE = 1000  # restaurants the simulator lists (about 800 of them connected)
DAYS = 30
CHANGING_A_DAY = 0.02
GIB = 1024**3


def run(report: Report, size: int) -> None:
    if connection.vendor != "postgresql":
        print("   skipped: the sizes are PostgreSQL's (set DATABASE_URL=postgres://...)")
        return
    with simulator_process(SAMPLE) as url:
        _prepare(url)
        client = platform.build_client(base_url=url)
        guids = [
            str(pk)
            for pk in Restaurant.objects.filter(connection__status="connected").values_list(
                "pk", flat=True
            )
        ]
        sync_in_process(client, guids)
        sync_in_process(client, guids)  # unchanged: the day's freshness stamps only
    per_row = _bytes_per_row()
    restaurants = len(guids)
    # The tables that grow with the restaurants: the domain's, and their rate budgets.
    per_restaurant = sum(
        row_bytes * rows / restaurants
        for model, (row_bytes, rows) in per_row.items()
        if model is RateBudget or (model._meta.app_label == "restaurants" and model is not Snapshot)
    )
    snapshot = per_row[Snapshot][0]
    snapshots = size + (DAYS - 1) * size * CHANGING_A_DAY
    chunks_a_day = -(-size // settings.TOAST_SYNC_CHUNK_SIZE)
    runs = DAYS * (per_row[SyncRun][0] + chunks_a_day * per_row[RefreshChunk][0])

    total = size * per_restaurant + snapshots * snapshot + runs
    payload = _average("SELECT avg(pg_column_size(payload)) FROM " + Snapshot._meta.db_table)
    print(
        f"   measured on {restaurants} restaurants: {per_restaurant / 1024:.1f} KiB of rows a "
        f"restaurant (snapshots aside), {snapshot / 1024:.1f} KiB a snapshot "
        f"(its payload {payload / 1024:.1f} KiB compressed)"
    )
    for model, (row_bytes, rows) in sorted(per_row.items(), key=lambda i: -i[1][0] * i[1][1]):
        print(f"   {model._meta.db_table}: {rows} rows, {row_bytes:.0f} bytes a row")
    print(
        f"   {size:,} restaurants after {DAYS} days: {snapshots:,.0f} snapshots, "
        f"{total / GIB:.2f} GiB"
    )
    report(f"database_after_{DAYS}_days", total / GIB, "computed from the sizes above", unit="GiB")


def _bytes_per_row():
    """Each model's table with rows: (bytes a row, rows). A table of a few rows is mostly
    empty pages: its rows' own size stands for it (the sync runs and their chunks)."""
    sizes = {}
    with connection.cursor() as cursor:
        for model in apps.get_models():
            table, rows = model._meta.db_table, model.objects.count()
            if not rows:
                continue
            if rows < 100:
                size = _average(f"SELECT avg(pg_column_size(t.*)) FROM {table} t")
            else:
                cursor.execute("SELECT pg_total_relation_size(%s)", [table])
                size = cursor.fetchone()[0] / rows
            sizes[model] = (size, rows)
    return sizes


def _average(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return float(cursor.fetchone()[0] or 0)
