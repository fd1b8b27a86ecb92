#!/usr/bin/env python3
"""Benchmark: audit bytes per imported row (issue 15), batch entries against an entry per row.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gonghui_bench_audit .venv/bin/python bench/audit_bytes.py --rows 20000

Drops and recreates the (throwaway) database, migrates it, imports 500 unions and a members
file of N rows through `import_records`, and measures what the import added to the audit
tables (pg_total_relation_size: heap, TOAST and indexes). For the comparison it then writes,
in a transaction that is rolled back, the trail the old way: one AuditEntry per member with its
full snapshot (what `record_many` wrote before batch entries), and measures that too.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from import_members import COUNTIES, manage, rid  # noqa: E402

TABLES = ("core_auditentry", "core_auditbatchmember")


def recreate(url: str) -> None:
    import psycopg

    name = urlparse(url).path.lstrip("/")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def audit_bytes() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(" + ".join(f"pg_total_relation_size('{t}')" for t in TABLES).join(["SELECT ", ""]))
        return cursor.fetchone()[0]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=20_000)
    ap.add_argument("--unions", type=int, default=500)
    a = ap.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("set DATABASE_URL to a throwaway PostgreSQL database (it is dropped)")
    recreate(url)
    r = random.Random(7)
    tmp = Path(tempfile.mkdtemp(prefix="bench-audit-"))
    manage("migrate", "--noinput")
    unions = tmp / "unions.csv"
    with unions.open("w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow(["工会编码", "工会名称", "组织类型", "所属地区代码", "成立日期"])
        for i in range(a.unions):
            w.writerow([f"B{i:06d}", f"基准工会{i}", "企业", COUNTIES[i % len(COUNTIES)], "2005-01-01"])
    manage("import_records", "unions", str(unions))
    members = tmp / "members.csv"
    used: set = set()
    with members.open("w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow(["姓名", "身份证号", "工会编码", "手机号", "户籍类型", "入会日期", "入会方式"])
        for i in range(a.rows):
            u = r.randrange(a.unions)
            county = COUNTIES[u % len(COUNTIES)]
            w.writerow(
                [f"会员{i}", rid(r, county, used), f"B{u:06d}", f"139{i:08d}", "城镇", "2015-06-01", "线下"]
            )

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from django.db import transaction

    from apps.core import audit
    from apps.core.bulk import bulk_insert, chunks
    from apps.core.choices import AuditAction, AuditSource
    from apps.core.models import AuditEntry
    from apps.unions.models import Member

    start_bytes = audit_bytes()
    start_entries = AuditEntry.objects.count()
    started = time.perf_counter()
    manage("import_records", "members", str(members))
    seconds = time.perf_counter() - started
    batch = audit_bytes() - start_bytes
    entries = AuditEntry.objects.count() - start_entries

    # the old trail, for comparison: an entry per member holding its snapshot; rolled back
    with transaction.atomic():
        before = audit_bytes()
        for chunk in chunks(list(Member.objects.select_related("union")), 2000):
            old = [
                audit._entry(
                    m,
                    AuditAction.CREATE,
                    {k: [None, v] for k, v in audit.snapshot(m).items()},
                    "导入",
                    None,
                    AuditSource.IMPORT,
                )
                for m in chunk
            ]
            bulk_insert(AuditEntry, old, batch_size=2000)
        per_row = audit_bytes() - before
        transaction.set_rollback(True)

    print(
        f"| members import, {a.rows:,} rows, PostgreSQL | entry per row: {per_row / a.rows:,.0f} B/row "
        f"({a.rows:,} entries) | batch entries: {batch / a.rows:,.0f} B/row ({entries:,} entries, "
        f"{a.rows:,} member rows) | import {seconds:.1f} s |"
    )


if __name__ == "__main__":
    main()
