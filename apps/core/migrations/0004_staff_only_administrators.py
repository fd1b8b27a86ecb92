"""Only administrators and superusers are staff (the Django admin); every other user worked in
the admin too until now (user_create made everybody staff). Each flag this changes is recorded
in the audit trail. Unapplying changes nothing back: re-opening the admin to every role is not
something to do by rolling back a migration."""

from django.db import migrations
from django.db.models import Q

NOTE = "Only administrators use the admin"


def staff_only_administrators(apps, schema_editor):
    User = apps.get_model("core", "User")
    AuditEntry = apps.get_model("core", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    # The rule of apps.core.auth.staff_for, frozen here as migrations must be.
    admin = Q(role="admin") | Q(is_superuser=True)
    wrong = {
        True: User.objects.filter(admin, is_staff=False),
        False: User.objects.filter(~admin, is_staff=True),
    }
    changed = [
        (user, staff) for staff, qs in wrong.items() for user in qs.only("pk", "username", "region_id")
    ]
    if not changed:
        return
    for staff, qs in wrong.items():
        qs.update(is_staff=staff)
    content_type, _created = ContentType.objects.get_or_create(app_label="core", model="user")
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                source="system",
                action="update",
                content_type=content_type,
                object_id=str(user.pk),
                object_repr=user.username[:200],
                region_id=user.region_id,
                changes={"is_staff": [not staff, staff]},
                note=NOTE,
            )
            for user, staff in changed
        ],
        batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0003_importjob"),
    ]

    operations = [migrations.RunPython(staff_only_administrators, migrations.RunPython.noop)]
