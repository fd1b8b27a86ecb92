"""The members' default order (newest joined first, then id) from an index on both columns
(issue 15): at province scale the list read the single-column ``joined_on`` index and sorted
the thousands of members who joined on the latest days (8 ms a page); the composite also
serves the ``joined_on`` filters, so the single-column index goes.

PostgreSQL builds it CONCURRENTLY (the members table stays writable), so the migration is not
atomic; the other databases build it as Django would.
"""

from django.db import migrations, models

from apps.core.migration_operations import AddIndexConcurrently

INDEX = models.Index(fields=["joined_on", "id"], name="unions_member_joined_order")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("unions", "0004_trusted_registration"),
    ]

    operations = [
        AddIndexConcurrently(model_name="member", index=INDEX),
        migrations.AlterField(
            model_name="member",
            name="joined_on",
            field=models.DateField(verbose_name="joined on"),
        ),
    ]
