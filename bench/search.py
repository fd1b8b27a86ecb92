#!/usr/bin/env python3
"""Benchmark: member and union search at province scale (issue 15), on PostgreSQL.

    createdb -h 127.0.0.1 -U postgres gonghui_bench_search
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gonghui_bench_search \\
        .venv/bin/python bench/search.py --members 1000000 --unions 10000
    dropdb -h 127.0.0.1 -U postgres gonghui_bench_search

Migrates the database, then (unless it already holds that many members) inserts the unions
over the real counties and the members by SQL (``INSERT … SELECT generate_series``: Chinese
names drawn from weighted lists of surnames and given-name characters, 18-character resident
IDs whose check character is not computed), and ANALYZEs. Then it times requests through
Django's test client — the members page and the members API, as a province user and as a
county user — for a common name (``张伟``), a rare name, a single surname, a full resident ID
by ``q=`` and by ``search=``, the default list and a county filter; then a common name with
8 threads at once. Each case's SQL is captured and run again under
``EXPLAIN (ANALYZE, BUFFERS)``: the scan types are printed beside the times, and the whole
plans are written to ``var/bench/search-plans.txt``.

The figures are the server side of one request (middleware, view, queries, template or
serializer), without HTTP. The 8 threads share one Python process (one GIL), which is
harsher than gunicorn's 2 workers × 4 threads on the same 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Surnames weighted roughly by their frequency (per mille of the population), then rarer ones.
SURNAMES = (
    "王72 李72 张71 刘54 陈45 杨31 黄22 赵22 吴20 周19 徐17 孙15 马15 朱14 胡13 郭12 何12 高11 "
    "林11 罗11 郑10 梁9 谢8 宋8 唐8 许7 韩7 冯7 邓7 曹7 彭6 曾6 肖6 田6 董6 袁5 潘5 于5 蒋5 "
    "蔡5 余5 杜5 叶5 程5 苏5 魏5 吕4 丁4 任4 沈4 姚4 卢4 姜4 崔4 钟4 谭4 陆4 汪4 范4 金4 石4 "
    "廖3 贾3 夏3 韦3 付3 方3 白3 邹3 孟3 熊3 秦3 邱3 江3 尹3 薛3 闫3 段3 雷3 侯3 龙3 史3 陶2 "
    "黎2 贺2 顾2 毛2 郝2 龚2 邵2 万2 钱2 严2 武2 戴2 莫2 孔2 向2 汤2 常2 温2 康2 施2 文2 牛2 "
    "樊2 葛2 邢2 安2 齐2 易2 乔2 伍2 庞2 颜2 倪2 庄2 聂2 章2 鲁1 岳1 翟1 殷1 詹1 申1 欧1 耿1 "
    "关1 兰1 焦1 俞1 左1 柳1 甘1 祝1 包1 宁1 尚1 符1 舒1 阮1 柯1 纪1 梅1 童1 凌1 毕1 单1 季1 "
    "裴1 霍1 涂1 成1 苗1 谷1 盛1 曲1 翁1 冉1 骆1 蓝1 路1 游1 辛1 靳1 管1 柴1 蒙1 鲍1 华1 喻1 "
    "祁1 蒲1 房1 滕1 屈1 饶1 解1 牟1 艾1 尤1 阳1 时1 穆1 农1 司1 卓1 古1 吉1 缪1 简1 车1 项1 "
    "连1 芦1 麦1 褚1 娄1 窦1 戚1 岑1 景1 党1 宫1 费1 卜1 冷1 晏1 席1 卫1 米1 柏1 宗1 瞿1 桂1 "
    "全1 佟1 应1 臧1 闵1 苟1 邬1 边1 卞1 姬1 师1 和1 仇1 栾1 隋1 商1 刁1 沙1 荣1 巫1 寇1 桑1 "
    "郎1 甄1 丛1 仲1 虞1 敖1 巩1 明1 佘1 池1 查1 麻1 苑1 迟1 邝1 欧阳1 司马1 上官1 诸葛1 "
    "东方1 皇甫1 慕容1 令狐1 尉迟1 长孙1"
)
# Given-name characters weighted likewise: a given name has one (30 %) or two of them.
GIVEN = (
    "伟30 芳25 娜22 敏22 静21 丽20 强20 磊19 军19 洋18 勇18 艳17 杰17 娟16 涛16 明16 超15 秀15 "
    "霞14 平14 刚14 桂13 英13 华12 玲12 红12 建11 文11 辉11 鹏11 斌10 宇10 浩10 凯10 健10 俊9 "
    "帆9 帅9 旭9 宁9 婷9 雪9 琳9 晶8 燕8 萍8 梅8 莉8 兰8 波8 鑫8 磊7 峰7 亮7 成7 龙7 飞7 "
    "林7 欣7 颖7 倩7 佳7 慧7 彬6 毅6 博6 志6 国6 海6 云6 春6 玉6 新6 东6 瑞5 子5 晨5 阳5 "
    "宏5 永5 荣5 金5 庆5 生5 福5 小5 德4 天4 立4 思4 雨4 嘉4 欢4 乐4 诗4 梦4 悦4 怡4 "
    "涵3 轩3 睿3 泽3 昊3 然3 航3 铭3 皓3 哲3 琪3 萱3 妍3 彤3 璐3 瑶3 蕾3 薇3 菲3 岚3 "
    "韬2 骏2 昕2 煜2 曦2 霖2 珂2 翔2 臻2 钰2 璇2 婕2 蓉2 芸2 淑2 贞2 珍2 凤2 琴2 素2 "
    "巍1 铮1 麟1 骞1 翊1 珩1 璟1 瑾1 琰1 湛1 澈1 沅1 芷1 蘅1 芊1 婵1 姝1 娴1 婉1 嫣1"
)
UNION_WORDS = list("华兴新恒鑫宏顺丰泰安祥盛达瑞源通金银永利")
UNION_KINDS = [
    ("enterprise", "有限公司"),
    ("enterprise", "建筑工程有限公司"),
    ("enterprise", "商贸有限责任公司"),
    ("institution", "中学"),
    ("institution", "人民医院"),
    ("organ", "人力资源和社会保障局"),
    ("village", "村"),
    ("community", "社区"),
    ("joint", "商会联合"),
    ("industry", "快递物流行业"),
]
BENCH_USERS = {"bench_province": ("province", "620000"), "bench_county": ("county", "620102")}
SEARCHED = ("unions_member", "unions_grassrootsunion")
PLANS = ROOT / "var" / "bench" / "search-plans.txt"


def weighted(spec: str) -> list[str]:
    out: list[str] = []
    for item in spec.split():
        word = item.rstrip("0123456789")
        out += [word] * int(item[len(word) :])
    return out


def sql_array(values: list[str]) -> str:
    return "ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in values) + "]::text[]"


def manage(*args: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


# Building the data ------------------------------------------------------------------------


def build(cursor, *, members: int, unions: int, offset: int = 0) -> dict[str, float]:
    """Unions over the real counties, then members, by SQL; then ANALYZE. Seconds per step."""
    timings = {}
    cursor.execute("SELECT setseed(0.15)")
    start = time.perf_counter()
    words = sql_array(UNION_WORDS)
    kinds = sql_array([k for k, _ in UNION_KINDS])
    suffixes = sql_array([s for _, s in UNION_KINDS])
    cursor.execute(
        f"""
        WITH c AS (
            SELECT array_agg(id ORDER BY id) AS ids, array_agg(name ORDER BY id) AS names,
                   count(*)::int AS n
            FROM core_region WHERE level = 'county'
        )
        INSERT INTO unions_grassrootsunion
            (code, name, kind, employer_name, employer_credit_code, credit_code, founded_on,
             chair, region_id, trusted_registration)
        SELECT 'BS' || lpad(i::text, 8, '0'),
               c.names[1 + (i * 7919) % c.n] || w1 || w2 || s || '工会',
               k, '', '', '', date '1990-01-01' + (i * 37) % 12000, '',
               c.ids[1 + (i * 7919) % c.n], false
        FROM c, generate_series(1, {unions}) AS i,
             LATERAL (SELECT ({words})[1 + (i * 13) % 20] AS w1, ({words})[1 + (i * 17 + 3) % 20] AS w2,
                             ({kinds})[1 + i % 10] AS k, ({suffixes})[1 + i % 10] AS s) AS x
        """
    )
    timings["unions"] = time.perf_counter() - start
    start = time.perf_counter()
    surnames, given = sql_array(weighted(SURNAMES)), sql_array(weighted(GIVEN))
    cursor.execute(
        f"""
        WITH u AS (SELECT array_agg(id ORDER BY id) AS ids, count(*)::int AS n
                   FROM unions_grassrootsunion WHERE code LIKE 'BS%'),
             c AS (SELECT array_agg(code ORDER BY id) AS codes, count(*)::int AS n
                   FROM core_region WHERE level = 'county'),
             s AS (SELECT {surnames} AS a, {given} AS g)
        INSERT INTO unions_member
            (name, id_number, sex, birth_date, ethnicity, phone, education, household_type,
             key_group, joined_on, join_channel, left_on, status, union_id)
        SELECT x.name,
               c.codes[1 + i % c.n] || to_char(x.birth, 'YYYYMMDD') || lpad(x.seq::text, 3, '0')
                   || substr('0123456789X', 1 + i % 11, 1),
               CASE WHEN x.seq % 2 = 1 THEN 'M' ELSE 'F' END,
               x.birth, '汉族', '13' || lpad((i::bigint * 7919 % 1000000000)::text, 9, '0'), '',
               CASE WHEN x.r < 0.4 THEN 'rural' ELSE 'urban' END,
               CASE WHEN x.r < 0.05 THEN 'courier' WHEN x.r < 0.08 THEN 'food_delivery' ELSE '' END,
               x.joined, CASE WHEN x.r > 0.85 THEN 'online' ELSE 'offline' END,
               CASE WHEN x.r > 0.97 THEN x.joined + 400 END,
               CASE WHEN x.r > 0.97 THEN 'left' WHEN x.r > 0.95 THEN 'retained' ELSE 'active' END,
               u.ids[1 + floor(power(random(), 1.3) * u.n)::int]
        FROM u, c, s, generate_series({offset} + 1, {offset} + {members}) AS i,
             LATERAL (SELECT
                 s.a[1 + floor(random() * array_length(s.a, 1))::int]
                 || s.g[1 + floor(random() * array_length(s.g, 1))::int]
                 || CASE WHEN random() < 0.3 THEN ''
                         ELSE s.g[1 + floor(random() * array_length(s.g, 1))::int] END AS name,
                 date '1960-01-01' + (i / c.n) % 16000 AS birth,
                 ((i / (c.n * 16000)) % 500) * 2 + i % 2 AS seq,
                 date '2000-01-01' + floor(random() * 9100)::int AS joined,
                 random() AS r
                 WHERE i > 0) AS x
        """
    )
    timings["members"] = time.perf_counter() - start
    start = time.perf_counter()
    cursor.execute("VACUUM (ANALYZE) core_region, unions_grassrootsunion, unions_member")
    timings["vacuum analyze"] = time.perf_counter() - start
    return timings


# Measuring ---------------------------------------------------------------------------------


def plan_summary(plan: dict) -> str:
    """The scan nodes of a plan: "Bitmap Index Scan on idx → Bitmap Heap Scan on table"."""
    scans: list[str] = []

    def walk(node: dict) -> None:
        kind = node["Node Type"]
        if "Scan" in kind:
            target = node.get("Index Name") or node.get("Relation Name") or ""
            scans.append(f"{kind} {target}".strip())
        for child in node.get("Plans", []):
            walk(child)

    walk(plan["Plan"])
    return "; ".join(scans)


def explain(cursor, sql: str, params) -> tuple[str, float, str]:
    cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}", params)
    plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
    text = "\n".join(row[0] for row in cursor.fetchall())
    return plan_summary(plan[0]), plan[0]["Execution Time"], text


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--members", type=int, default=1_000_000)
    ap.add_argument("--unions", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=15, help="requests per case (after one warm-up)")
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--label", default="", help="a word for the printed rows (before, after…)")
    a = ap.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("set DATABASE_URL to a throwaway PostgreSQL database")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ.setdefault("DB_CONN_MAX_AGE", "60")  # one connection per thread, as gunicorn would keep
    os.environ.pop("REDIS_URL", None)
    manage("migrate", "--noinput")

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from apps.core.models import Region, User

    setup_test_environment()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM unions_member")
        have = cursor.fetchone()[0]
        if have < a.members:
            timings = build(
                cursor, members=a.members - have, unions=a.unions if have == 0 else 0, offset=have
            )
            print("built: " + ", ".join(f"{k} {v:.0f} s" for k, v in timings.items()))
        cursor.execute(
            "SELECT name FROM unions_member WHERE char_length(name) = 3 GROUP BY name HAVING count(*) = 1 "
            "ORDER BY name LIMIT 1"
        )
        rare = cursor.fetchone()[0]
        cursor.execute("SELECT id_number FROM unions_member ORDER BY id DESC LIMIT 1 OFFSET 12345")
        resident_id = cursor.fetchone()[0]
        cursor.execute(
            "SELECT m.id_number FROM unions_member m JOIN unions_grassrootsunion u ON u.id = m.union_id "
            "JOIN core_region r ON r.id = u.region_id WHERE r.code = '620102' ORDER BY m.id LIMIT 1 OFFSET 99"
        )
        county_id = cursor.fetchone()[0]
        cursor.execute("SELECT substr(name, 4, 4) FROM unions_grassrootsunion ORDER BY id LIMIT 1 OFFSET 99")
        union_text = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM unions_member")
        total = cursor.fetchone()[0]
    users = {}
    for username, (role, code) in BENCH_USERS.items():
        users[role], _ = User.objects.get_or_create(
            username=username, defaults={"role": role, "region": Region.objects.get(code=code)}
        )
    clients = {}
    for role, user in users.items():
        clients[role] = Client()
        clients[role].force_login(user)

    page, api = "/unions/members/", "/api/v1/unions/members/"
    cases = [
        ("page", "province", page, {"q": "张伟"}),
        ("page", "province", page, {"q": rare}),
        ("page", "province", page, {"q": "欧阳"}),
        ("page", "province", page, {"q": "张"}),
        ("page", "province", page, {"q": resident_id}),
        ("page", "province", page, {}),
        ("page", "province", page, {"region": "620102"}),
        ("page", "county", page, {"q": "张伟"}),
        ("api", "province", api, {"q": "张伟"}),
        ("api", "province", api, {"search": "张伟"}),
        ("api", "province", api, {"search": rare}),
        ("api", "province", api, {"q": resident_id}),
        ("api", "province", api, {"search": resident_id}),
        ("api", "province", api, {}),
        ("api", "province", api, {"region": "620102"}),
        ("api", "county", api, {"search": county_id}),
        ("api", "province", "/api/v1/unions/unions/", {"search": union_text}),
    ]
    print(f"{total:,} members; rare name {rare}; union text {union_text}")
    print(f"| {a.label} case | p50 ms | p95 ms | count shown | SQL of the page / count (EXPLAIN ANALYZE) |")
    print("|---|---|---|---|---|")
    PLANS.parent.mkdir(parents=True, exist_ok=True)
    plans = [f"# bench/search.py {a.label}: {total:,} members\n"]
    for kind, role, path, params in cases:
        client = clients[role]
        response = client.get(path, params)
        assert response.status_code == 200, (path, params, response.status_code)
        times = []
        for _ in range(a.repeat):
            start = time.perf_counter()
            response = client.get(path, params)
            times.append((time.perf_counter() - start) * 1000)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path, params)
        count = _count_shown(response, kind)
        notes = []
        with connection.cursor() as cursor:
            for query in ctx.captured_queries:
                sql = query["sql"]
                if sql.startswith("EXPLAIN") or not any(f'FROM "{t}"' in sql for t in SEARCHED):
                    continue
                scans, ms, text = explain(cursor, sql, None)
                what = "count" if "COUNT(*)" in sql.upper() else "rows"
                notes.append(f"{what}: {scans} ({ms:.1f} ms)")
                plans.append(f"\n## {kind} {role} {params}: {what}\n{sql}\n{text}\n")
        label = f"{kind} {role} {_show(params, resident_id, county_id)}"
        p50, p95 = statistics.median(times), percentile(times, 0.95)
        print(f"| {label} | {p50:.0f} | {p95:.0f} | {count} | {' / '.join(notes)} |", flush=True)

    for kind, path, params in (("page", page, {"q": "张伟"}), ("api", api, {"search": "张伟"})):
        times = concurrent(users["province"], path, params, threads=a.threads, each=a.repeat)
        print(
            f"| {kind} province {_show(params, resident_id)}, {a.threads} threads | "
            f"{statistics.median(times):.0f} | {percentile(times, 0.95):.0f} | | |",
            flush=True,
        )
        with CaptureQueriesContext(connection) as ctx:
            clients["province"].get(path, params)
        statements = [
            q["sql"] for q in ctx.captured_queries if any(f'FROM "{t}"' in q["sql"] for t in SEARCHED)
        ]
        times = concurrent_sql(statements, threads=a.threads, each=a.repeat * 2)
        print(
            f"| {kind} province {_show(params, resident_id)}, its {len(statements)} search queries alone, "
            f"{a.threads} threads | {statistics.median(times):.0f} | {percentile(times, 0.95):.0f} | | |",
            flush=True,
        )
    print(f"load average while measuring: {os.getloadavg()[0]:.1f}")
    PLANS.write_text("".join(plans), encoding="utf-8")
    print(f"plans: {PLANS.relative_to(ROOT)}")


def _show(params: dict, *ids: str) -> str:
    shown = {k: ("<ID>" if v in ids else v) for k, v in params.items()}
    return "&".join(f"{k}={v}" for k, v in shown.items()) or "(default list)"


def _count_shown(response, kind: str) -> str:
    if kind == "api":
        body = response.json()
        return f"{'~' if body.get('count_is_estimate') else ''}{body['count']:,}"
    paginator = response.context["paginator"] if response.context else None
    if paginator is None:
        return ""
    return f"{'~' if getattr(paginator, 'count_is_estimate', False) else ''}{paginator.count:,}"


def concurrent(user, path: str, params: dict, *, threads: int, each: int) -> list[float]:
    """``threads`` clients at once, each ``each`` requests (after a warm-up); every time in ms."""
    from django.db import connection
    from django.test import Client

    times: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(threads)

    def run() -> None:
        client = Client()
        client.force_login(user)
        client.get(path, params)
        barrier.wait()
        mine = []
        for _ in range(each):
            start = time.perf_counter()
            assert client.get(path, params).status_code == 200
            mine.append((time.perf_counter() - start) * 1000)
        with lock:
            times.extend(mine)
        connection.close()

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return times


def concurrent_sql(statements: list[str], *, threads: int, each: int) -> list[float]:
    """The database's share of a request: its search queries (count, rows), run by
    ``threads`` connections at once, ``each`` times; the time of each run in ms."""
    from django.db import connection

    times: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(threads)

    def run() -> None:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
            barrier.wait()
            mine = []
            for _ in range(each):
                start = time.perf_counter()
                for sql in statements:
                    cursor.execute(sql)
                    cursor.fetchall()
                mine.append((time.perf_counter() - start) * 1000)
        with lock:
            times.extend(mine)
        connection.close()

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return times


if __name__ == "__main__":
    main()
