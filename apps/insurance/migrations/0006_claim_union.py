"""A claim holds its coverage's unit (``union``), copied by every write: a county's claims were
found through the coverages (2.5 million at province scale), so counting a county's claims
for its list read them all (133-217 ms); through the claim's own indexed column they are a
few thousand index entries. The existing claims take their coverage's unit (one UPDATE:
about 3 s for 315,154 claims).
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_units(apps, schema_editor):
    Claim = apps.get_model("insurance", "Claim")
    Coverage = apps.get_model("insurance", "Coverage")
    unit = Coverage.objects.filter(pk=OuterRef("coverage_id")).values("union_id")[:1]
    Claim.objects.update(union_id=Subquery(unit))


class Migration(migrations.Migration):
    # Each step commits on its own: PostgreSQL refuses to alter a table while the foreign key
    # checks of the copy (deferred) are pending in the same transaction.
    atomic = False

    dependencies = [
        ("insurance", "0005_claim_discharged_order"),
        ("unions", "0006_field_verbose_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="union",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="unions.grassrootsunion",
                verbose_name="unit",
            ),
        ),
        migrations.RunPython(copy_units, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="claim",
            name="union",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="unions.grassrootsunion",
                verbose_name="unit",
            ),
        ),
    ]
