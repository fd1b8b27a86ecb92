"""Indexes for searching members and unions at province scale (issue 15), PostgreSQL only.

- ``gonghui_grams(text)``: a text's characters and pairs of adjacent characters, the keys
  of the name indexes that ``field__gram_icontains`` (apps.core.filtersets.GramContains)
  searches. pg_trgm does not serve Chinese names: under the C locale it finds no trigram in
  Chinese text at all, and under C.UTF-8 none in a two-character pattern (``%张伟%``).
- members' and unions' names: GIN over ``gonghui_grams(UPPER(name))``.
- unions' codes: ``UPPER(code)`` with text_pattern_ops, for the prefix search ``^code``.

The function is costed high (COST 1000: a few microseconds a call, against the default
operator's hundredth of one) so that the planner reads the name index rather than filtering
the default order's index row by row for a name of one in a thousand, and PARALLEL UNSAFE so
that a search is never a parallel plan: parallel workers scanning the default order ahead of
a LIMIT 50 made a common-name search 5× slower, and two cores serve eight requests at once.

Resident IDs need nothing new: members and applications have a btree on ``id_number``, which
the search paths now reach by equality. The indexes are built CONCURRENTLY (the tables stay
writable), so the migration is not atomic; then the tables are ANALYZEd, which gives the
planner the frequency of each gram. SQLite has none of them and searches by scanning.
"""

from django.db import migrations

GRAMS = """
CREATE OR REPLACE FUNCTION gonghui_grams(s text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL UNSAFE COST 1000 AS $$
DECLARE
    grams text[] := '{}';
    n int := char_length(s);
BEGIN
    FOR i IN 1..n LOOP
        grams := grams || substr(s, i, 1);
        IF i < n THEN
            grams := grams || substr(s, i, 2);
        END IF;
    END LOOP;
    RETURN grams;
END
$$
"""

INDEXES = {
    "unions_member_name_grams": "unions_member USING gin (gonghui_grams(upper(name::text)))",
    "unions_union_name_grams": "unions_grassrootsunion USING gin (gonghui_grams(upper(name::text)))",
    "unions_union_code_upper": "unions_grassrootsunion (upper(code::text) text_pattern_ops)",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(GRAMS)
    for name, definition in INDEXES.items():
        # an index left INVALID by an interrupted concurrent build is built again
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
        schema_editor.execute(f"CREATE INDEX CONCURRENTLY {name} ON {definition}")
    # the planner's statistics of the indexed expressions (how common each gram is)
    schema_editor.execute("ANALYZE unions_member, unions_grassrootsunion")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
    schema_editor.execute("DROP FUNCTION IF EXISTS gonghui_grams(text)")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("unions", "0002_one_pending_application_per_id")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
