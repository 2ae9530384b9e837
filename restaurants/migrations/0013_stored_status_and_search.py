"""The list's filters and search at 150,000 restaurants (issue 20), from columns and
indexes instead of per-row joins and functions.

- `Restaurant.connection_status`: the connection's status (or prospect: none),
  kept by onboarding.refresh with the checklist that reads it. The status filter
  and the dashboard's figures read it from its index (connection_status_order);
  with the join, the figures read every restaurant's wide row (157 ms) and the
  prospects' page took 232 ms.
- A partial index of the restaurants with an error, in the list's order.
- The connections in the admin's order, and the restaurants' states for its filter.
- PostgreSQL only: each table's search text as a stored generated column, its
  trigram index on the column (the index recheck compared the text computed by
  the PL/pgSQL function again for each candidate: 16,627 candidates of a common
  word took 120 ms of a search's 350); and the list's default order index
  covering the filters' columns, so a filtered page in that order is read from
  the index alone (the never-fetched restaurants sort last: their first page
  walked every named row's heap, 167 ms).

Adding the generated columns rewrites both tables (150,000 restaurants: see the
scaling page for the time it took). The backfill runs the checklist's one
definition (onboarding.refresh) on every restaurant, as 0012 did before it
stored the status too.
"""

from django.db import migrations, models

from restaurants.postgresql_sql import run_on_postgresql

BATCH = 2000
COVERED = "connection_status, last_fetched_at, delivery_enabled, online_ordering_enabled, archived"
RESTAURANT_TEXT = "{schema}.search_text(name, location_name, location_code, city, (guid)::text)"
CONNECTION_TEXT = (
    "{schema}.search_text(restaurant_name, location_name, external_restaurant_ref,"
    " external_group_ref, NULL)"
)
STORED = f"""
DROP INDEX IF EXISTS restaurant_order_name;
CREATE INDEX restaurant_order_name ON restaurants_restaurant (name, guid) INCLUDE ({COVERED});
DROP INDEX IF EXISTS restaurant_search_trgm;
DROP INDEX IF EXISTS connection_search_trgm;
ALTER TABLE restaurants_restaurant
    ADD COLUMN search_document text GENERATED ALWAYS AS ({RESTAURANT_TEXT}) STORED;
ALTER TABLE restaurants_connection
    ADD COLUMN search_document text GENERATED ALWAYS AS ({CONNECTION_TEXT}) STORED;
CREATE INDEX restaurant_search_trgm ON restaurants_restaurant
    USING gin (search_document {{extensions}}.gin_trgm_ops);
CREATE INDEX connection_search_trgm ON restaurants_connection
    USING gin (search_document {{extensions}}.gin_trgm_ops);
"""
COMPUTED = f"""
DROP INDEX IF EXISTS restaurant_search_trgm;
DROP INDEX IF EXISTS connection_search_trgm;
ALTER TABLE restaurants_restaurant DROP COLUMN IF EXISTS search_document;
ALTER TABLE restaurants_connection DROP COLUMN IF EXISTS search_document;
CREATE INDEX restaurant_search_trgm ON restaurants_restaurant
    USING gin ({RESTAURANT_TEXT} {{extensions}}.gin_trgm_ops);
CREATE INDEX connection_search_trgm ON restaurants_connection
    USING gin ({CONNECTION_TEXT} {{extensions}}.gin_trgm_ops);
DROP INDEX IF EXISTS restaurant_order_name;
CREATE INDEX restaurant_order_name ON restaurants_restaurant (name, guid);
"""


def backfill(apps, schema_editor):
    from restaurants import onboarding

    Restaurant = apps.get_model("restaurants", "Restaurant")
    guids = list(Restaurant.objects.order_by("guid").values_list("guid", flat=True))
    for start in range(0, len(guids), BATCH):
        onboarding.refresh(guids[start : start + BATCH])


class Migration(migrations.Migration):
    dependencies = [("restaurants", "0012_onboarding_progress")]

    operations = [
        migrations.AddField(
            model_name="restaurant",
            name="connection_status",
            field=models.CharField(
                choices=[
                    ("connected", "Connected"),
                    ("removed", "Removed"),
                    ("prospect", "Prospect"),
                ],
                default="prospect",
                max_length=16,
            ),
        ),
        migrations.AddIndex(
            model_name="restaurant",
            index=models.Index(
                fields=["connection_status", "name", "guid"],
                include=["last_fetched_at"],
                name="connection_status_order",
            ),
        ),
        migrations.AddIndex(
            model_name="restaurant",
            index=models.Index(
                condition=models.Q(("last_error", ""), _negated=True),
                fields=["name", "guid"],
                name="with_errors",
            ),
        ),
        migrations.AddIndex(
            model_name="restaurant",
            index=models.Index(fields=["state_code"], name="state_code"),
        ),
        migrations.AddIndex(
            model_name="connection",
            index=models.Index(fields=["restaurant_name", "restaurant"], name="connection_order"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(run_on_postgresql(STORED), run_on_postgresql(COMPUTED)),
    ]
