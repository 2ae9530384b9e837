"""Search that ignores case and accents, and reads an index on PostgreSQL; an
index for each of the staff list's orders.

PostgreSQL: the `unaccent` and `pg_trgm` extensions (both trusted: the
database's owner may create them), the `fold_text` and `search_text` functions
restaurants/search.py calls, and a trigram index on each table's search text,
so a search for any part of a name, code, city or reference reads the index.
The functions name their schema, as an index's functions must (a restore sets
an empty search_path). They are PL/pgSQL: `unaccent` is only STABLE, so a SQL
function over it is never inlined, and PostgreSQL's executor for a SQL function
called per row took 60 µs a row against PL/pgSQL's 17 µs (150,000 rows, this
machine under load); a search rechecks each row its trigram index proposes. SQLite gets the same functions in Python on each
connection (restaurants/apps.py): nothing to migrate there.

The order indexes match portal/staff/filters.py's SORTS (unknown values last in
either direction, then the GUID), so a deep page of the list walks an index
instead of sorting every restaurant. SQLite cannot say NULLS LAST in an index,
and at its sizes needs none of them.
"""

from django.db import migrations

from restaurants.postgresql_sql import run_on_postgresql

FUNCTIONS = """
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE OR REPLACE FUNCTION {schema}.fold_text(value text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ BEGIN
        RETURN lower({extensions}.unaccent('{extensions}.unaccent'::regdictionary, value));
    END $$;
CREATE OR REPLACE FUNCTION {schema}.search_text(a text, b text, c text, d text, e text)
    RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    AS $$ BEGIN
        RETURN lower({extensions}.unaccent('{extensions}.unaccent'::regdictionary,
                                           concat_ws(' ', a, b, c, d, e)));
    END $$;
CREATE INDEX restaurant_search_trgm ON restaurants_restaurant USING gin (
    {schema}.search_text(name, location_name, location_code, city, (guid)::text)
    {extensions}.gin_trgm_ops);
CREATE INDEX connection_search_trgm ON restaurants_connection USING gin (
    {schema}.search_text(restaurant_name, location_name, external_restaurant_ref,
                         external_group_ref, NULL) {extensions}.gin_trgm_ops);
CREATE INDEX restaurant_order_name ON restaurants_restaurant (name, guid);
CREATE INDEX restaurant_order_name_desc ON restaurants_restaurant
    (name DESC NULLS LAST, guid DESC);
CREATE INDEX restaurant_order_city ON restaurants_restaurant (city, name, guid);
CREATE INDEX restaurant_order_fetched ON restaurants_restaurant (last_fetched_at, guid);
CREATE INDEX restaurant_order_fetched_desc ON restaurants_restaurant
    (last_fetched_at DESC NULLS LAST, guid DESC);
CREATE INDEX restaurant_order_changed_desc ON restaurants_restaurant
    (last_changed_at DESC NULLS LAST, guid DESC);
"""
ORDER_INDEXES = ("name", "name_desc", "city", "fetched", "fetched_desc", "changed_desc")
DROP = """
DROP INDEX IF EXISTS restaurant_search_trgm;
DROP INDEX IF EXISTS connection_search_trgm;
DROP FUNCTION IF EXISTS {schema}.search_text(text, text, text, text, text);
DROP FUNCTION IF EXISTS {schema}.fold_text(text);
""" + "".join(f"DROP INDEX IF EXISTS restaurant_order_{name};\n" for name in ORDER_INDEXES)


class Migration(migrations.Migration):
    dependencies = [("restaurants", "0007_availability")]

    operations = [migrations.RunPython(run_on_postgresql(FUNCTIONS), run_on_postgresql(DROP))]
