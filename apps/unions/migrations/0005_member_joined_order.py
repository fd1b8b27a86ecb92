"""The members' default order (newest joined first, then id) from an index on both columns
(issue 15): at province scale the list read the single-column ``joined_on`` index and sorted
the thousands of members who joined on the latest days (8 ms a page); the composite also
serves the ``joined_on`` filters, so the single-column index goes.

PostgreSQL builds it CONCURRENTLY (the members table stays writable), so the migration is not
atomic; the other databases build it as Django would.
"""

from django.db import migrations, models

INDEX = models.Index(fields=["joined_on", "id"], name="unions_member_joined_order")


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # an index left INVALID by an interrupted concurrent build is built again
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX.name}")
        schema_editor.execute(f"CREATE INDEX CONCURRENTLY {INDEX.name} ON unions_member (joined_on, id)")
    else:
        schema_editor.add_index(apps.get_model("unions", "Member"), INDEX)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX.name}")
    else:
        schema_editor.remove_index(apps.get_model("unions", "Member"), INDEX)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("unions", "0004_trusted_registration"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(create, drop)],
            state_operations=[migrations.AddIndex(model_name="member", index=INDEX)],
        ),
        migrations.AlterField(
            model_name="member",
            name="joined_on",
            field=models.DateField(verbose_name="joined on"),
        ),
    ]
