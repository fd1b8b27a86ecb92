#!/usr/bin/env python3
"""Benchmark: requests over HTTP at province scale (issue 15): gunicorn and wrk.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gonghui_province \\
        .venv/bin/python bench/http_load.py [--seconds 10] [--concurrency 1 8]

Runs against a database already built (bench/generate_province.py: about 3.9 million members)
and never writes to its records: it only adds two users (a province and a county user, with an
API token and a session). It starts gunicorn as deployed (2 workers × 4 threads, production
settings: DEBUG off, persistent connections; ``bench/web/settings.py``) on 127.0.0.1, then
for each case runs wrk (Debian's package) for ``--seconds`` at each concurrency and prints
requests per second, p50 and p95 latency beside the baseline's from the same run: a bare
Django view returning a constant JSON through the same middleware (``bench/web/urls.py``).
Each URL is fetched once first and must answer 200.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SETTINGS = "bench.web.settings"
LUA = ROOT / "bench" / "web" / "report.lua"
USERS = {"bench_http_province": ("province", "620000"), "bench_http_county": ("county", "620102")}


def setup(secret: str) -> dict:
    """The bench users, their token and session, and the records the cases ask for."""
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    os.environ["DJANGO_SECRET_KEY"] = secret
    os.environ["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from apps.core.models import Region, User

    auth = {}
    for username, (role, code) in USERS.items():
        user, _ = User.objects.get_or_create(
            username=username, defaults={"role": role, "region": Region.objects.get(code=code)}
        )
        token, _ = Token.objects.get_or_create(user=user)
        client = Client()
        client.force_login(user)
        auth[role] = {
            "api": f"Authorization: Token {token.key}",
            "page": f"Cookie: {settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}",
        }
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM unions_member")  # once, to say what was measured
        members = cursor.fetchone()[0]
        cursor.execute(
            "SELECT m.id, m.id_number FROM unions_member m JOIN unions_grassrootsunion u ON u.id = m.union_id "
            "JOIN core_region r ON r.id = u.region_id WHERE r.code = '620102' ORDER BY m.id LIMIT 1 OFFSET 7"
        )
        member_id, resident_id = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM unions_grassrootsunion")
        unions = cursor.fetchone()[0]
        cursor.execute("SELECT max(id) FROM unions_member")
        top = cursor.fetchone()[0]
    # a page two million rows deep: the cursor DRF would hand out there (its position: an id)
    deep = base64.b64encode(f"p={top - 2_000_000}".encode()).decode()
    return {
        "auth": auth,
        "members": members,
        "unions": unions,
        "member_id": member_id,
        "resident_id": resident_id,
        "deep_cursor": urllib.parse.quote(deep),
    }


def cases(d: dict) -> list[tuple[str, str, str, str]]:
    """(label, door, user, path)."""
    m, rid = d["member_id"], d["resident_id"]
    return [
        ("baseline: constant JSON", "api", "province", "/bench/constant"),
        ("home, province user (page)", "page", "province", "/"),
        ("home, county user (page)", "page", "county", "/"),
        ("member detail (API)", "api", "county", f"/api/v1/unions/members/{m}/"),
        ("member detail (page)", "page", "county", f"/unions/members/{m}/"),
        ("members list, default (API)", "api", "province", "/api/v1/unions/members/"),
        ("members list, by county (API)", "api", "province", "/api/v1/unions/members/?region=620102"),
        ("members list, ordered by name (API)", "api", "province", "/api/v1/unions/members/?ordering=name"),
        ("members list, default (page)", "page", "province", "/unions/members/"),
        ("members list, county user (page)", "page", "county", "/unions/members/"),
        ("member search by name q=张伟 (page)", "page", "province", "/unions/members/?q=%E5%BC%A0%E4%BC%9F"),
        (
            "member search by name search=张伟 (API)",
            "api",
            "province",
            "/api/v1/unions/members/?search=%E5%BC%A0%E4%BC%9F",
        ),
        ("member search by resident ID q= (page)", "page", "province", f"/unions/members/?q={rid}"),
        (
            "member search by resident ID search= (API)",
            "api",
            "province",
            f"/api/v1/unions/members/?search={rid}",
        ),
        ("deep page, cursor (API)", "api", "province", f"/api/v1/unions/members/?cursor={d['deep_cursor']}"),
        ("unions list (API)", "api", "province", "/api/v1/unions/unions/"),
        ("unions list (page)", "page", "province", "/unions/"),
        ("claims list, province user (page)", "page", "province", "/insurance/claims/"),
        ("claims list, county user (page)", "page", "county", "/insurance/claims/"),
        ("claims list, county user (API)", "api", "county", "/api/v1/insurance/claims/"),
        ("dashboard, province (page)", "page", "province", "/reports/"),
        ("dashboard, county drill-down (page)", "page", "province", "/reports/?region=620102"),
    ]


def wrk(url: str, header: str, *, connections: int, seconds: int) -> dict:
    threads = min(connections, 2)
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "-s", str(LUA), "-H", header, url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    line = next(x for x in out.splitlines() if x.startswith("JSON "))
    figures = json.loads(line[5:])
    figures["rps"] = figures["requests"] / figures["seconds"]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--only", help="run only the cases whose label contains this text (and the baseline)")
    a = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        sys.exit("set DATABASE_URL to the province database (bench/generate_province.py)")
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")
    os.environ.pop("REDIS_URL", None) if os.environ.get("BENCH_NO_REDIS") else None
    secret = secrets.token_urlsafe(40)
    data = setup(secret)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DJANGO_SECRET_KEY": secret,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    # the pages' static files as deployed (whitenoise's manifest)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--workers",
            "2",
            "--threads",
            "4",
            "--bind",
            f"127.0.0.1:{a.port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{a.port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/bench/constant", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        chosen = [c for c in cases(data) if not a.only or a.only in c[0] or c[0].startswith("baseline")]
        for label, door, role, path in chosen:
            header = data["auth"][role][door]
            name, value = header.split(": ", 1)
            request = urllib.request.Request(base + path, headers={name: value})
            with urllib.request.urlopen(request, timeout=60) as response:  # warm-up, and a check
                if response.status != 200 or response.url != base + path:
                    sys.exit(f"{label}: {response.status} {response.url}")
        print(
            f"{data['members']:,} members, {data['unions']:,} unions; gunicorn 2 workers × 4 threads; "
            f"wrk {a.seconds} s a case"
        )
        head = " | ".join(f"c={c} req/s | c={c} p50 / p95 ms" for c in a.concurrency)
        print(f"| case | {head} | share of the baseline's req/s (c={a.concurrency[0]}) |")
        print("|---|" + "---|---|" * len(a.concurrency) + "---|")
        baseline = None
        for label, door, role, path in chosen:
            cells, first = [], None
            for c in a.concurrency:
                f = wrk(base + path, data["auth"][role][door], connections=c, seconds=a.seconds)
                if f["socket_errors"] or f["bad_status"]:
                    print(
                        f"  ({label} c={c}: {f['socket_errors']} socket errors, {f['bad_status']} bad statuses)"
                    )
                first = first or f
                cells.append(f"{f['rps']:,.0f} | {f['p50']:.1f} / {f['p95']:.1f}")
            if baseline is None:
                baseline = first["rps"]
            share = f"{100 * first['rps'] / baseline:.1f} %"
            print(f"| {label} | {' | '.join(cells)} | {share} |", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
