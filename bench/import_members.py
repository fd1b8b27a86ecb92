#!/usr/bin/env python3
"""Benchmark: import a members file of N rows through the shared pipeline.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gonghui_bench .venv/bin/python bench/import_members.py --rows 100000

Creates (or reuses) the database, migrates it, imports 500 unions, writes a members CSV of
N rows with valid resident IDs, then times `import_records members` (dry run, real import,
re-import of the same file) and prints the figures as a Markdown table row.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
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


def rid(r: random.Random, county: str, used: set) -> str:
    while True:
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=r.randint(0, 16000))
        s17 = f"{county}{birth:%Y%m%d}{r.randint(0, 999):03d}"
        s = s17 + "10X98765432"[sum(int(c) * w for c, w in zip(s17, W, strict=True)) % 11]
        if s not in used:
            used.add(s)
            return s


def manage(*args: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--unions", type=int, default=500)
    a = ap.parse_args()
    if "DATABASE_URL" not in os.environ:
        sys.exit("set DATABASE_URL to a throwaway PostgreSQL database")
    r = random.Random(7)
    tmp = Path(tempfile.mkdtemp(prefix="bench-"))
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
        w.writerow(
            [
                "姓名",
                "身份证号",
                "工会编码",
                "民族",
                "手机号",
                "学历",
                "户籍类型",
                "重点群体",
                "入会日期",
                "入会方式",
                "离会日期",
            ]
        )
        for i in range(a.rows):
            u = r.randrange(a.unions)
            w.writerow(
                [
                    f"会员{i}",
                    rid(r, COUNTIES[u % len(COUNTIES)], used),
                    f"B{u:06d}",
                    "汉族",
                    f"139{i:08d}",
                    "大专",
                    r.choice(["城镇", "农村"]),
                    r.choice(["", "", "", "快递员"]),
                    "2015-06-01",
                    r.choice(["线下", "网上"]),
                    "",
                ]
            )
    dry = manage("import_records", "members", str(members), "--dry-run")
    real = manage("import_records", "members", str(members))
    again = manage("import_records", "members", str(members))
    print(
        f"| members import, {a.rows:,} rows, PostgreSQL | dry run {dry:.1f} s | import {real:.1f} s "
        f"({a.rows / real:,.0f} rows/s) | re-import (all unchanged) {again:.1f} s |"
    )


if __name__ == "__main__":
    main()
