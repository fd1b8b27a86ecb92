import os
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from apps.core import union_accounts
from apps.core.audit import audit_context
from apps.core.choices import AuditSource
from apps.core.exceptions import ApplicationError
from apps.core.importing import write_table


class Command(BaseCommand):
    help = (
        "Create grassroots union accounts from a union_accounts file (.xlsx or .csv; columns "
        "工会代码, 用户名, 姓名, 手机号), all or nothing, for administrators. Each account gets a "
        "random initial password, to be changed at its first login; the user names and passwords "
        "are written to --out (readable by the owner only), and nowhere else."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--out",
            type=Path,
            required=True,
            help="the passwords file to write (.xlsx or .csv; must not exist)",
        )

    def handle(self, *args, **opts):
        source: Path = opts["file"]
        out: Path = opts["out"]
        if not source.is_file():
            raise CommandError(f"没有文件 {source}。")
        if out.suffix.lower() not in (".xlsx", ".csv"):
            raise CommandError("--out 须为 .xlsx 或 .csv 文件。")
        if out.exists():
            raise CommandError(f"{out} 已存在：不覆盖密码文件，请换一个 --out。")
        if not out.parent.is_dir():
            raise CommandError(f"目录 {out.parent} 不存在。")
        started = time.perf_counter()
        try:
            rows = union_accounts.read_accounts(source)
            # the file is claimed (owner-only) before anything is created: a path that cannot be
            # written must not leave accounts whose passwords nobody has
            fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            os.close(fd)
            try:
                # the passwords written before the commit: no accounts without their passwords
                with transaction.atomic(), audit_context(source=AuditSource.COMMAND):
                    created = union_accounts.union_accounts_create(rows=rows, user=None)
                    write_table(out, union_accounts.PASSWORD_HEADERS, (a.cells() for a in created))
            except BaseException:
                out.unlink(missing_ok=True)
                raise
        except union_accounts.AccountsInvalid as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(exc.message) from exc
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        elapsed = time.perf_counter() - started
        self.stdout.write(f"created {len(created)} union accounts in {elapsed:.1f} s; passwords in {out}")
