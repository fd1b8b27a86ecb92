"""The approval thresholds each relief programme starts with; administrators change them."""

from decimal import Decimal

from django.db import migrations

DEFAULTS = {"jinqiu": Decimal("5000.00"), "warmth": Decimal("2000.00"), "temporary": Decimal("5000.00")}


def add_defaults(apps, schema_editor):
    threshold = apps.get_model("services", "ApprovalThreshold")
    for programme, amount in DEFAULTS.items():
        threshold.objects.get_or_create(programme=programme, defaults={"amount": amount})


class Migration(migrations.Migration):
    dependencies = [("services", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
