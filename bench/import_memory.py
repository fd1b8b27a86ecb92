#!/usr/bin/env python3
"""Benchmark: peak memory and time of importing a large members CSV.

    createdb -h 127.0.0.1 -U postgres gonghui_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gonghui_bench \\
        .venv/bin/python bench/import_memory.py --rows 100000 1000000

Migrates the database, imports 500 unions, writes a members CSV (UTF-8 with BOM) of N rows
with valid resident IDs (var/bench/members-N.csv, reused by later runs), then for each N runs
`manage.py import_records members FILE` as a dry run and as a real import into an empty members
table (the members and audit entries of an earlier run are truncated first: use a throwaway
database). Each command runs in a subprocess of its own whose peak RSS is read with
``resource.getrusage(RUSAGE_CHILDREN)``; the figures are printed as Markdown table rows.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from import_members import COUNTIES, W  # noqa: E402  (the generator's regions and ID weights)

UNIONS = 500
MEMBER_HEADERS = [
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
TRUNCATE = """
from django.db import connection
from apps.core.models import AuditEntry
from apps.unions.models import Member
with connection.cursor() as c:
    c.execute(f"TRUNCATE {Member._meta.db_table}, {AuditEntry._meta.db_table} CASCADE")
"""


def resident_id(index: int) -> str:
    """A distinct valid resident ID per index (county, birth day and sequence from the index)."""
    county = COUNTIES[index % len(COUNTIES)]
    rest = index // len(COUNTIES)
    birth = dt.date(1960, 1, 1) + dt.timedelta(days=rest % 16000)
    s17 = f"{county}{birth:%Y%m%d}{rest // 16000:03d}"
    return s17 + "10X98765432"[sum(int(c) * w for c, w in zip(s17, W, strict=True)) % 11]


def write_members(path: Path, rows: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    with tmp.open("w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow(MEMBER_HEADERS)
        for i in range(rows):
            u = (i * 7919) % UNIONS
            w.writerow(
                [
                    f"会员{i}",
                    resident_id(i * len(COUNTIES) + u % len(COUNTIES)),
                    f"B{u:06d}",
                    "汉族",
                    f"139{i:08d}",
                    "大专",
                    ("城镇", "农村")[i % 2],
                    ("", "", "", "快递员")[i % 4],
                    "2015-06-01",
                    ("线下", "网上")[i % 3 == 0],
                    "",
                ]
            )
    tmp.rename(path)


def write_unions(path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow(["工会编码", "工会名称", "组织类型", "所属地区代码", "成立日期"])
        for i in range(UNIONS):
            w.writerow([f"B{i:06d}", f"基准工会{i}", "企业", COUNTIES[i % len(COUNTIES)], "2005-01-01"])


def manage(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, check=check, capture_output=True, text=True
    )


def measure(*args: str) -> dict:
    """Run `manage.py ARGS` in a fresh process of its own; its peak RSS and wall time."""
    out = subprocess.run(
        [sys.executable, __file__, "--child", *args], cwd=ROOT, check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def child(args: list[str]) -> None:
    start = time.perf_counter()
    p = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    tail = (p.stdout.strip().splitlines() or [""])[-1] + " " + (p.stderr.strip().splitlines() or [""])[-1]
    print(json.dumps({"rc": p.returncode, "seconds": seconds, "peak_mb": peak_kib / 1024, "out": tail}))


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2:])
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--steps", default="dry,import", help="comma-separated: dry, import")
    ap.add_argument("--label", default="", help="names the code measured in the table")
    a = ap.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("set DATABASE_URL to a throwaway PostgreSQL database")
    data = ROOT / "var" / "bench"
    data.mkdir(parents=True, exist_ok=True)
    manage("migrate", "--noinput")
    unions = data / "unions.csv"
    write_unions(unions)
    manage("import_records", "unions", str(unions))
    steps = a.steps.split(",")
    for rows in a.rows:
        members = data / f"members-{rows}.csv"
        if not members.exists():
            write_members(members, rows)
        size = members.stat().st_size / 1024 / 1024
        figures = []
        if "dry" in steps:
            figures.append(("dry run", measure("import_records", "members", str(members), "--dry-run")))
        if "import" in steps:
            manage("shell", "-c", TRUNCATE)
            figures.append(("import", measure("import_records", "members", str(members))))
        cells = []
        for name, f in figures:
            status = "" if f["rc"] == 0 else f" (exit {f['rc']}: {f['out'][-120:]})"
            cells.append(f"{name} {f['seconds']:.0f} s, peak {f['peak_mb']:,.0f} MB{status}")
        print(f"| {a.label} | {rows:,} rows ({size:.0f} MB) | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
