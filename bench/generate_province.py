#!/usr/bin/env python3
"""Benchmark: generate the province-scale demo data set (DOMAIN.md's figures) on PostgreSQL.

    createdb -h 127.0.0.1 -U postgres gonghui_province
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gonghui_province .venv/bin/python bench/generate_province.py

Migrates the database, times `generate_demo_data --scale province` (and its peak memory: the
largest of its processes), then the dashboards' refresh of five years (`refresh_dashboards`)
and one yearly report for the province of the last generated year (all indicators, the 14
prefectures, its .xlsx, .pdf and .json files), and prints the row counts of the main tables,
as Markdown table rows for docs/benchmarks.md. `--skip-generate` measures an existing database.
"""

from __future__ import annotations

import datetime
import os
import resource
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
    "services_reliefpayment",
    "services_visit",
    "services_employmentservice",
    "services_trainingclass",
    "core_auditentry",
    "core_auditbatchmember",
]


def manage(*args: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def peak_mb() -> float:
    """The largest peak RSS of the processes waited for so far (KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> None:
    if "DATABASE_URL" not in os.environ:
        sys.exit("set DATABASE_URL to a throwaway PostgreSQL database")
    env_redis = os.environ.pop("REDIS_URL", None)  # the report runs in-process here
    manage("migrate", "--noinput")
    year = datetime.date.today().year - 1  # the generator's last year
    generate = None
    if "--skip-generate" not in sys.argv:
        start = time.perf_counter()
        run = subprocess.run(
            [sys.executable, "manage.py", "generate_demo_data", "--scale", "province", "--no-summaries"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        generate = time.perf_counter() - start
        memory = peak_mb()
        print(run.stdout, end="")  # a line per domain: its rows and seconds
    refresh = manage("refresh_dashboards")
    out = ROOT / "var" / "bench" / f"yearly-{year}-620000.xlsx"
    out.parent.mkdir(parents=True, exist_ok=True)
    report = manage("yearly_report", "--year", str(year), "--region", "620000", "--output", str(out))
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
    if generate is not None:
        print(f"| generate_demo_data --scale province | {generate:.0f} s, peak {memory:,.0f} MB |")
    print(f"| refresh_dashboards (5 years, every region) | {refresh:.1f} s |")
    print(f"| yearly_report {year} 620000 (province + 14 prefectures, .xlsx/.pdf/.json) | {report:.1f} s |")
    print(counts, end="")
    if env_redis:
        os.environ["REDIS_URL"] = env_redis


if __name__ == "__main__":
    main()
