#!/usr/bin/env python3
"""Benchmark: deep pages of the members API at province scale (issue 15), on PostgreSQL.

    createdb -h 127.0.0.1 -U postgres gonghui_bench_search
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gonghui_bench_search \\
        .venv/bin/python bench/deep_pages.py --members 1000000

Builds the members as bench/search.py does (once), then times, as a province user through
Django's test client, page numbers at depth (``?page=N``: OFFSET, as every page number was
before page numbers stopped at 200) against the id cursor at the same depth (``?cursor=``: a
seek on the primary key), p50 / p95 of ``--repeat`` requests after a warm-up.
"""

from __future__ import annotations

import argparse
import base64
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--members", type=int, default=1_000_000)
    ap.add_argument("--unions", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=10)
    a = ap.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("set DATABASE_URL to a throwaway PostgreSQL database")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ.setdefault("DB_CONN_MAX_AGE", "60")
    os.environ.pop("REDIS_URL", None)
    import search  # bench/search.py: the same data

    search.manage("migrate", "--noinput")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from apps.core.models import Region, User
    from apps.core.pagination import EstimatedCountPaginator
    from apps.unions.models import Member

    setup_test_environment()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM unions_member")
        have = cursor.fetchone()[0]
        if have < a.members:
            search.build(cursor, members=a.members - have, unions=a.unions if have == 0 else 0, offset=have)
        cursor.execute("SELECT count(*) FROM unions_member")
        total = cursor.fetchone()[0]
    user = User.objects.filter(username="bench_deep").first() or User.objects.create_user(
        "bench_deep", role="province", region=Region.objects.get(code="620000")
    )
    client = Client()
    client.force_login(user)

    def timed(url: str) -> tuple[float, float]:
        client.get(url)
        times = []
        for _ in range(a.repeat):
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        times.sort()
        return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]

    top = Member.objects.order_by("-id").values_list("id", flat=True)[0]
    print(f"{total:,} members")
    print("| depth (rows skipped) | `?page=N` (OFFSET) p50 / p95 ms | `?cursor=` (seek) p50 / p95 ms |")
    print("|---|---|---|")
    EstimatedCountPaginator.max_pages = 10**9  # the "before": page numbers at any depth
    for depth in (9_950, 99_950, 499_950, total - 50):
        page = depth // 50 + 1
        offset = timed(f"/api/v1/unions/members/?page={page}&ordering=-id")
        # the cursor's position is the last id of the page before (ids are dense here)
        cursor = base64.b64encode(f"p={top - depth + 1}".encode()).decode()
        seek = timed(f"/api/v1/unions/members/?cursor={cursor}")
        print(f"| {depth:,} | {offset[0]:.0f} / {offset[1]:.0f} | {seek[0]:.0f} / {seek[1]:.0f} |")


if __name__ == "__main__":
    main()
