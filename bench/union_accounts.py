#!/usr/bin/env python3
"""Benchmark: create N grassroots union accounts from a ``union_accounts`` template (issue 16).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gonghui_bench_accounts .venv/bin/python bench/union_accounts.py --accounts 1000

Migrates the database, imports N unions (``import_records unions``; idempotent), deletes the
accounts of an earlier run, writes an .xlsx template of N rows (one account per union), then
times ``manage.py create_union_accounts FILE --out PASSWORDS`` (the whole process, start-up
included, and the command's own figure). For comparison it times PBKDF2 (Django's default
hasher, what ``user_create`` uses) on a few passwords and extrapolates to N. Prints a Markdown
table row for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COUNTIES = [
    "620102",
    "620103",
    "620104",
    "620105",
    "620121",
    "620302",
    "620402",
    "620502",
    "622901",
    "623001",
]
PREFIX = "bench_ua_"


def manage(*args: str) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, check=True, capture_output=True, text=True
    )
    return time.perf_counter() - start, done.stdout


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--accounts", type=int, default=1000)
    a = ap.parse_args()
    if "DATABASE_URL" not in os.environ:
        sys.exit("set DATABASE_URL to a throwaway PostgreSQL database")
    tmp = Path(tempfile.mkdtemp(prefix="bench-accounts-"))
    manage("migrate", "--noinput")
    unions = tmp / "unions.csv"
    with unions.open("w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow(["工会编码", "工会名称", "组织类型", "所属地区代码", "成立日期"])
        for i in range(a.accounts):
            w.writerow([f"UA{i:06d}", f"账号基准工会{i}", "企业", COUNTIES[i % len(COUNTIES)], "2005-01-01"])
    manage("import_records", "unions", str(unions))

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password

    from apps.core.models import User

    User.objects.filter(username__startswith=PREFIX).delete()  # an earlier run's accounts

    import openpyxl

    template = tmp / "union_accounts.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["工会代码", "用户名", "姓名", "手机号"])
    for i in range(a.accounts):
        ws.append([f"UA{i:06d}", f"{PREFIX}{i:06d}", f"主席{i}", f"139{i:08d}"])
    wb.save(template)

    out = tmp / "passwords.xlsx"
    wall, stdout = manage("create_union_accounts", str(template), "--out", str(out))
    own = float(re.search(r"in ([\d.]+) s", stdout).group(1))
    created = User.objects.filter(username__startswith=PREFIX, must_change_password=True).count()
    assert created == a.accounts, f"{created} accounts created, {a.accounts} expected"

    samples = 3
    start = time.perf_counter()
    for i in range(samples):
        make_password(f"sample-password-{i}")  # the default (first) hasher: PBKDF2
    pbkdf2 = (time.perf_counter() - start) / samples
    print(
        f"| {a.accounts:,} union accounts from an .xlsx, PostgreSQL | command {own:.1f} s "
        f"(process {wall:.1f} s) | PBKDF2 instead: {pbkdf2 * 1000:.0f} ms a password, "
        f"~{pbkdf2 * a.accounts:.0f} s for {a.accounts:,} |"
    )


if __name__ == "__main__":
    main()
