"""The review queues (one status, oldest discharge first) from an index on (status,
discharged_on, id): at province scale the queue of the 10,000 approved claims was sorted for
each page (85 ms); the page now reads its 50 rows from the index.

PostgreSQL builds it CONCURRENTLY (the claims table stays writable), so the migration is not
atomic; the other databases build it as Django would.
"""

from django.db import migrations, models

INDEX = models.Index(fields=["status", "discharged_on", "id"], name="insurance_claim_queue")


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # an index left INVALID by an interrupted concurrent build is built again
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX.name}")
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY {INDEX.name} ON insurance_claim (status, discharged_on, id)"
        )
    else:
        schema_editor.add_index(apps.get_model("insurance", "Claim"), INDEX)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX.name}")
    else:
        schema_editor.remove_index(apps.get_model("insurance", "Claim"), INDEX)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("insurance", "0006_claim_union"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(create, drop)],
            state_operations=[migrations.AddIndex(model_name="claim", index=INDEX)],
        ),
    ]
