"""The review queues (one status, oldest discharge first) from an index on (status,
discharged_on, id): at province scale the queue of the 10,000 approved claims was sorted for
each page (85 ms); the page now reads its 50 rows from the index.

PostgreSQL builds it CONCURRENTLY (the claims table stays writable), so the migration is not
atomic; the other databases build it as Django would.
"""

from django.db import migrations, models

from apps.core.migration_operations import AddIndexConcurrently

INDEX = models.Index(fields=["status", "discharged_on", "id"], name="insurance_claim_queue")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("insurance", "0006_claim_union"),
    ]

    operations = [
        AddIndexConcurrently(model_name="claim", index=INDEX),
    ]
