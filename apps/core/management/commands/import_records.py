from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.core.importing import ImportFileError, get_resource, registry, run_import
from apps.core.models import User


class Command(BaseCommand):
    help = "Import an .xlsx or .csv file in one of the templates of IMPORT.md (all or nothing by default)."

    def add_arguments(self, parser):
        parser.add_argument("resource", help="template name: " + ", ".join(sorted(registry())))
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check everything, write nothing")
        parser.add_argument(
            "--skip-invalid", action="store_true", help="write the valid rows, bad ones to an error file"
        )
        parser.add_argument("--user", help="import as this user (their scope applies)")

    def handle(self, *args, **opts):
        user = None
        if opts["user"]:
            user = User.objects.filter(username=opts["user"], is_active=True).select_related("region").first()
            if user is None:
                raise CommandError(f"用户“{opts['user']}”不存在或已停用")
        if not opts["file"].exists():
            raise CommandError(f"文件不存在：{opts['file']}")
        try:
            result = run_import(
                get_resource(opts["resource"]),
                opts["file"],
                user=user,
                dry_run=opts["dry_run"],
                skip_invalid=opts["skip_invalid"],
            )
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        shown = result.errors[:1000]
        for error in shown:
            self.stderr.write(str(error))
        if result.error_count > len(shown):
            self.stderr.write(f"……另有 {result.error_count - len(shown)} 条错误未显示")
        self.stdout.write(result.summary() + ("（试运行，未写入）" if result.dry_run else ""))
        if result.error_file:
            self.stdout.write(f"错误行已写入：{result.error_file}")
        if result.errors and not opts["skip_invalid"]:
            raise CommandError(f"有 {result.invalid} 行数据有误，未写入任何数据")
