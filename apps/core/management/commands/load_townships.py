import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.core import services
from apps.core.audit import audit_context
from apps.core.choices import AuditSource
from apps.core.exceptions import ApplicationError
from apps.core.validators import is_digits


class Command(BaseCommand):
    help = "Add townships from a CSV of (code, name) rows, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, **opts):
        raw = opts["file"].read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise CommandError("文件编码无法识别，请保存为 UTF-8 或 GB18030。")
        rows = [r for r in csv.reader(text.splitlines()) if r and any(c.strip() for c in r)]
        if rows and not is_digits(rows[0][0].strip()):
            rows = rows[1:]  # a header row
        try:
            with audit_context(source=AuditSource.COMMAND):
                created = services.township_bulk_create(
                    rows=[(r[0], r[1] if len(r) > 1 else "") for r in rows]
                )
        except ApplicationError as exc:
            for err in exc.extra.get("errors", []):
                self.stderr.write(f"第 {err['row']} 行 {err['code']}: {err['message']}")
            raise CommandError(exc.message) from exc
        self.stdout.write(f"created {len(created)} townships")
