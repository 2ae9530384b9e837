"""Growth: the database of 150,000 restaurants after 30 days of daily refreshes with 2% of
them changing a day, computed from per-row sizes measured on PostgreSQL.

Two samples of restaurants, one after the other in an emptied database, are each
discovered and refreshed on the real path (simulator over loopback, the sync's
chunks), compacted, refreshed a second time unchanged (every restaurant's
freshness stamp rewritten, as each day's refresh does) and vacuumed; then every
table's `pg_total_relation_size` (rows, indexes, TOAST, the space of the day's
dead rows) is read. A row's cost is the slope between the two samples. A day
adds a snapshot per changed restaurant and one refresh run with its chunks;
everything else stays one set of rows per restaurant. `python -m bench.scale
growth` (about 70 s); `size` is the restaurants computed for.
"""

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.models import Model

from bench.scale import Report
from bench.sync import _prepare, sync_in_process
from integrations import platform
from integrations.models import RateBudget, RefreshChunk, SyncRun
from restaurants.models import Restaurant, Snapshot
from tests.platform import simulator_process

# Restaurants of the simulator's world (about 82% of them connected and listed). The
# slope between the two cancels what a table holds at any size (its indexes' first pages,
# the free-space and visibility maps, a trigram index's keys); a restaurant still cost
# 6,072 bytes between worlds of 1,000 and 3,000, 4,366 to 4,382 between 3,000 and 9,000.
SAMPLES = (3000, 9000)
DAYS = 30
CHANGING_A_DAY = 0.02
GIB = 1024**3


def run(report: Report, size: int) -> None:
    if connection.vendor != "postgresql":
        print("   skipped: the sizes are PostgreSQL's (set DATABASE_URL=postgres://...)")
        return
    (small, _), (large, restaurants) = (_measure(sample) for sample in SAMPLES)
    per_row = {model: cost(small.get(model), sizes) for model, sizes in large.items()}
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
        f"   measured between worlds of {SAMPLES[0]} and {SAMPLES[1]} ({restaurants} connected): "
        f"{per_restaurant / 1024:.1f} KiB of rows a restaurant (snapshots aside), "
        f"{snapshot / 1024:.1f} KiB a snapshot (its payload {payload / 1024:.1f} KiB compressed)"
    )
    for model, (row_bytes, rows) in sorted(per_row.items(), key=lambda i: -i[1][0] * i[1][1]):
        print(f"   {model._meta.db_table}: {rows} rows, {row_bytes:.0f} bytes a row")
    print(
        f"   {size:,} restaurants after {DAYS} days: {snapshots:,.0f} snapshots, "
        f"{total / GIB:.2f} GiB"
    )
    report(f"database_after_{DAYS}_days", total / GIB, "computed from the sizes above", unit="GiB")


Sizes = dict[type[Model], tuple[float, int]]


def _measure(sample: int) -> tuple[Sizes, int]:
    """The tables' sizes, and the restaurants connected, after those of a world of `sample`
    are discovered, refreshed, compacted, refreshed again unchanged (the day's stamps) and
    vacuumed.

    Compacted (VACUUM FULL) because this server's autovacuum is off: a first refresh
    updates each restaurant several times (its data, checklist, stage, status), and the
    dead versions stay in the heap and in every index; at 7,425 restaurants the heap was
    49 MB for 7 MB of live rows, 17,020 bytes a restaurant with its 28 indexes, 5,037 once
    compacted. A database autovacuum keeps holds its live rows and the space of a day's
    churn, which the unchanged refresh and a plain VACUUM leave: each row's dead version
    (the stamp is indexed: every index gets the new one) and a GIN index's pending list
    (up to 4 MB of entries outside the index proper) merged.
    """
    with simulator_process(sample) as url:
        _prepare(url)  # an empty database first
        client = platform.build_client(base_url=url)
        guids = [
            str(pk)
            for pk in Restaurant.objects.filter(connection__status="connected").values_list(
                "pk", flat=True
            )
        ]
        sync_in_process(client, guids)
        _vacuum("FULL")
        sync_in_process(client, guids)
    _vacuum("")
    return _bytes_per_row(), len(guids)


def _vacuum(how: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM {how}")


def cost(smaller: tuple[float, int] | None, larger: tuple[float, int]) -> tuple[float, int]:
    """(bytes a row, rows) of a table measured at two sizes (bytes a row, rows): the slope
    between them, or the larger's own figure where the rows did not grow."""
    row_bytes, rows = larger
    if smaller is None or smaller[1] >= rows:
        return larger
    return (row_bytes * rows - smaller[0] * smaller[1]) / (rows - smaller[1]), rows


def _bytes_per_row() -> Sizes:
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
