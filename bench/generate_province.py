#!/usr/bin/env python3
"""Benchmark: generate the province-scale demo data set (DOMAIN.md's figures) on PostgreSQL.

    createdb -h 127.0.0.1 -U postgres gonghui_province
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gonghui_province .venv/bin/python bench/generate_province.py

Migrates the database, times `generate_demo_data --scale province`, then prints the row counts
of the main tables and the time of one yearly report for the province (all indicators and the
14 prefectures), as Markdown table rows for docs/benchmarks.md.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TABLES = [
    "unions_grassrootsunion",
    "unions_member",
    "unions_collectivecontract",
    "competitions_participation",
    "model_workers_modelworker",
    "hardship_household",
    "hardship_disbursement",
    "insurance_coverage",
    "insurance_claim",
    "core_auditentry",
]


def manage(*args: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    if "DATABASE_URL" not in os.environ:
        sys.exit("set DATABASE_URL to a throwaway PostgreSQL database")
    env_redis = os.environ.pop("REDIS_URL", None)  # the report runs in-process here
    manage("migrate", "--noinput")
    generate = manage("generate_demo_data", "--scale", "province", "--no-summaries")
    report = manage("yearly_report", "--year", "2024", "--region", "620000")
    script = (
        "from django.db import connection\n"
        "c = connection.cursor()\n"
        f"for t in {TABLES!r}:\n"
        "    c.execute(f'SELECT count(*) FROM {t}')\n"
        "    print(f'| {t} | {c.fetchone()[0]:,} |')\n"
    )
    counts = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    print(f"| generate_demo_data --scale province | {generate:.0f} s |")
    print(f"| yearly_report 2024 620000 (56 indicators, province + 14 prefectures) | {report:.1f} s |")
    print(counts, end="")
    if env_redis:
        os.environ["REDIS_URL"] = env_redis


if __name__ == "__main__":
    main()
