"""Ships the real divisions of Gansu: 1 province, 14 prefecture-level, 86 county-level."""

from django.db import migrations


def load(apps, schema_editor):
    from apps.core.data.gansu import PREFECTURES, PROVINCE

    Region = apps.get_model("core", "Region")
    code, name = PROVINCE
    province = Region.objects.create(code=code, name=name, level="province", parent=None, path=f"/{code}/")
    for pcode, pname, counties in PREFECTURES:
        pref = Region.objects.create(
            code=pcode, name=pname, level="prefecture", parent=province, path=f"{province.path}{pcode}/"
        )
        Region.objects.bulk_create(
            [
                Region(code=ccode, name=cname, level="county", parent=pref, path=f"{pref.path}{ccode}/")
                for ccode, cname in counties
            ]
        )


def unload(apps, schema_editor):
    Region = apps.get_model("core", "Region")
    for level in ("township", "county", "prefecture", "province"):
        Region.objects.filter(level=level).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
