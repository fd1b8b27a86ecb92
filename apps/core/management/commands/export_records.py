from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.core.audit import audit_context
from apps.core.choices import AuditSource
from apps.core.importing import ImportFileError, get_resource, registry, run_export
from apps.core.models import User


class Command(BaseCommand):
    help = "Export records in the import template (.xlsx or .csv); IDs masked for users without the right."

    def add_arguments(self, parser):
        parser.add_argument("resource", help="template name: " + ", ".join(sorted(registry())))
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="export as this user (their scope applies)")

    def handle(self, *args, **opts):
        user = User.objects.filter(username=opts["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"用户“{opts['user']}”不存在或已停用")
        try:
            with audit_context(user=user, source=AuditSource.COMMAND):
                count = run_export(get_resource(opts["resource"]), opts["file"], user=user)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"exported {count} rows to {opts['file']}")
