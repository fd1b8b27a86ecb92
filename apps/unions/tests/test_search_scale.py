"""Search at province scale (issue 15): a full resident ID is found by equality on every
search path (``q=`` on the pages and the API, ``search=`` on every API list), names by
substring through the gram index (same results as ``icontains``, on SQLite too), and counts
are the planner's estimate above a threshold. The speed itself is measured by
bench/search.py (docs/benchmarks.md), never here."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from apps.core import pagination
from apps.core.api.search import ResidentIdSearchFilter, is_resident_id_field
from apps.core.tests.factories import make_resident_id, region
from apps.unions.models import GrassrootsUnion, JoinApplication, Member

from .factories import GrassrootsUnionFactory, JoinApplicationFactory, MemberFactory

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's indexes and planner"
)

NAMES = ["张伟", "张伟明", "李张伟", "王伟", "欧阳娜娜", "Zhang Wei", "100%纯"]


@pytest.fixture
def named(db):
    union = GrassrootsUnionFactory()
    return {name: MemberFactory(union=union, name=name) for name in NAMES}


def _names(queryset) -> set[str]:
    return set(queryset.values_list("name", flat=True))


# Names by substring ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("张伟", {"张伟", "张伟明", "李张伟"}),  # two characters: the gram alone
        ("张", {"张伟", "张伟明", "李张伟"}),  # one character
        ("伟", {"张伟", "张伟明", "李张伟", "王伟"}),
        ("张伟明", {"张伟明"}),  # three: the grams narrow, LIKE decides
        ("伟张", set()),  # the characters are there, not in this order
        ("欧阳娜", {"欧阳娜娜"}),
        ("zhang w", {"Zhang Wei"}),  # case-insensitive, like icontains
        ("%", {"100%纯"}),  # LIKE's wildcards are plain characters
        ("0%纯", {"100%纯"}),
        ("_", set()),
    ],
)
def test_gram_lookup_finds_the_substrings_icontains_finds(named, text, expected):
    assert _names(Member.objects.filter(name__gram_icontains=text)) == expected
    assert _names(Member.objects.filter(name__icontains=text)) == expected


def test_members_page_and_api_find_a_name_by_part_only_in_scope(
    named, county_user, other_county_user, client
):
    # given a 张伟 in another county
    MemberFactory(union=GrassrootsUnionFactory(region=region("620103")), name="张伟强")
    client.force_login(county_user)
    # when / then: the page's search box, the API's q and search
    page = client.get(reverse("unions:member-list"), {"q": "张伟"})
    assert {m.name for m in page.context["object_list"]} == {"张伟", "张伟明", "李张伟"}
    for params in ({"q": "张伟"}, {"search": "张伟"}):
        body = client.get(reverse("api:member-list"), params).json()
        assert {row["name"] for row in body["results"]} == {"张伟", "张伟明", "李张伟"}
    client.force_login(other_county_user)
    body = client.get(reverse("api:member-list"), {"search": "张伟"}).json()
    assert [row["name"] for row in body["results"]] == ["张伟强"]


def test_union_search_by_part_of_the_name_or_start_of_the_code(county_user, client):
    GrassrootsUnionFactory(code="AB100", name="城关区华恒有限公司工会")
    GrassrootsUnionFactory(code="XY200", name="城关区兴盛村工会")
    client.force_login(county_user)
    for params, expected in (
        ({"q": "华恒"}, ["AB100"]),
        ({"q": "ab1"}, ["AB100"]),
        ({"search": "兴盛"}, ["XY200"]),
        ({"search": "xy"}, ["XY200"]),
        ({"search": "城关区"}, ["AB100", "XY200"]),
    ):
        body = client.get(reverse("api:union-list"), params).json()
        assert [row["code"] for row in body["results"]] == expected, params


# A full resident ID: equality on every path --------------------------------------------------


def _queries_with(ctx, text: str) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if text in q["sql"]]


def _assert_equality_only(ctx, ident: str, column: str = '"id_number"') -> None:
    """Every query that carries the ID compares it by ``=`` (an index answers it): no LIKE,
    no UPPER() around the column, and the name is not searched beside it."""
    queries = _queries_with(ctx, ident)
    assert queries, "the ID was not searched at all"
    for sql in queries:
        assert f"{column} = '{ident}'" in sql, sql
        assert "LIKE" not in sql.upper(), sql
        assert "UPPER(" not in sql.upper(), sql


@pytest.mark.parametrize("typed", ["{id}", " {id_lower} ", "{spaced}"])
@pytest.mark.parametrize(
    "path, param",
    [("unions:member-list", "q"), ("api:member-list", "q"), ("api:member-list", "search")],
)
def test_member_found_by_full_resident_id_through_equality(county_user, client, path, param, typed):
    ident = make_resident_id("620102")[:17] + "X"
    member = MemberFactory(union=GrassrootsUnionFactory(), id_number=ident, name="张伟")
    MemberFactory(union=member.union, name="张伟")  # the same name, another ID
    spaced = f"{ident[:6]} {ident[6:14]} {ident[14:]}"
    text = typed.format(id=ident, id_lower=ident.lower(), spaced=spaced)
    client.force_login(county_user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(path), {param: text})
    assert response.status_code == 200
    if path.startswith("api:"):
        assert [row["id"] for row in response.json()["results"]] == [member.pk]
    else:
        assert [m.pk for m in response.context["object_list"]] == [member.pk]
    _assert_equality_only(ctx, ident)


def test_full_resident_id_outside_the_scope_finds_nothing(county_user, client):
    ident = make_resident_id("620103")
    MemberFactory(union=GrassrootsUnionFactory(region=region("620103")), id_number=ident)
    client.force_login(county_user)
    body = client.get(reverse("api:member-list"), {"search": ident}).json()
    assert (body["count"], body["results"]) == (0, [])


def test_application_found_by_full_resident_id_through_equality(county_user, client):
    application = JoinApplicationFactory(union=GrassrootsUnionFactory())
    JoinApplicationFactory(union=application.union, name=application.name)
    client.force_login(county_user)
    for params in ({"q": application.id_number}, {"search": application.id_number}):
        with CaptureQueriesContext(connection) as ctx:
            body = client.get(reverse("api:joinapplication-list"), params).json()
        assert [row["id"] for row in body["results"]] == [application.pk], params
        _assert_equality_only(ctx, application.id_number)


def test_a_name_search_leaves_the_exact_id_field_out(named, county_user, client):
    client.force_login(county_user)
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("api:member-list"), {"search": "张伟"})
    searched = _queries_with(ctx, "张伟")
    assert searched
    assert not any('"id_number"' in sql.split("WHERE", 1)[1] for sql in searched)


def _api_lists():
    """(URL name, viewset) of every API list whose ``search_fields`` hold a resident ID."""
    found = {}

    def walk(patterns, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, f"{prefix}{p.namespace}:" if p.namespace else prefix)
            elif isinstance(p, URLPattern) and p.name and p.name.endswith("-list"):
                cls = getattr(p.callback, "cls", None)
                model = getattr(getattr(cls, "queryset", None), "model", None)
                fields = getattr(cls, "search_fields", None) or ()
                if model and any(is_resident_id_field(model, f.lstrip("^=@$")) for f in fields):
                    found[f"{prefix}{p.name}"] = cls

    walk(get_resolver().url_patterns, "")
    return sorted(found.items())


def test_every_api_search_over_resident_ids_is_found():
    names = [name for name, _ in _api_lists()]
    assert {"api:member-list", "api:joinapplication-list", "api:modelworker-list"} <= set(names)
    assert len(names) >= 6  # and the worker-services registers


@pytest.mark.parametrize("name, viewset", _api_lists())
def test_every_api_search_finds_a_full_resident_id_by_equality(admin_user, client, name, viewset):
    assert any(isinstance(b, type) and issubclass(b, ResidentIdSearchFilter) for b in viewset.filter_backends)
    ident = make_resident_id("620102")
    client.force_login(admin_user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(name), {"search": ident.lower()})
    assert response.status_code == 200
    assert response.json()["results"] == []
    queries = _queries_with(ctx, ident)
    assert queries
    for sql in queries:
        assert f"= '{ident}'" in sql and "LIKE" not in sql.upper() and "UPPER(" not in sql.upper(), sql


# Counts: exact below the threshold, the planner's estimate above it -----------------------------


def test_rounded_estimate_reads_like_the_page_says_it():
    assert pagination.rounded_estimate(3_857_241) == 3_857_000
    assert pagination.rounded_estimate(20_499) == 20_000
    assert pagination.rounded_estimate(9_999) == 9_999


def _member_count(sql: str) -> bool:
    return "COUNT(" in sql.upper() and 'FROM "unions_member"' in sql


def test_search_counts_exactly_below_the_threshold(named, county_user, client):
    client.force_login(county_user)
    with CaptureQueriesContext(connection) as ctx:
        body = client.get(reverse("api:member-list"), {"search": "张伟"}).json()
    assert (body["count"], body["count_is_estimate"]) == (3, False)
    assert any(_member_count(q["sql"]) for q in ctx.captured_queries)


@on_postgresql
def test_search_takes_the_planner_estimate_above_the_threshold_without_count(
    named, county_user, client, monkeypatch
):
    monkeypatch.setattr(pagination.EstimatedCountPaginator, "threshold", 0)
    client.force_login(county_user)
    for path in ("api:member-list", "unions:member-list"):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse(path), {"q": "张伟"})
        assert response.status_code == 200
        assert not any(_member_count(q["sql"]) for q in ctx.captured_queries), path
        assert any(q["sql"].startswith("EXPLAIN") for q in ctx.captured_queries), path
    assert response.context["paginator"].count_is_estimate is True
    body = client.get(reverse("api:member-list"), {"search": "张伟"}).json()
    assert body["count_is_estimate"] is True
    assert len(body["results"]) == 3  # the rows are exact, only the count is estimated


# The indexes and the migration ------------------------------------------------------------------


def _plan(queryset) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")  # a few test rows: show what the index can serve
        try:
            return queryset.explain()
        finally:
            cursor.execute("RESET enable_seqscan")


@on_postgresql
def test_the_indexes_serve_the_searches_as_the_lookups_write_them(named):
    assert "unions_member_name_grams" in _plan(Member.objects.filter(name__gram_icontains="张伟").order_by())
    assert "unions_member_name_grams" in _plan(
        Member.objects.filter(name__gram_icontains="张伟明").order_by()
    )
    union_plan = _plan(
        GrassrootsUnion.objects.filter(Q(name__gram_icontains="华恒") | Q(code__istartswith="ab")).order_by()
    )
    assert "unions_union_name_grams" in union_plan and "unions_union_code_upper" in union_plan
    assert "id_numb" in _plan(Member.objects.filter(id_number="62010219900101123X").order_by())
    assert "id_number" in _plan(JoinApplication.objects.filter(id_number="62010219900101123X").order_by())


@on_postgresql
def test_cjk_names_form_grams_under_the_database_locale(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT gonghui_grams(upper('欧阳娜娜')), gonghui_grams(upper('Li'))")
        assert cursor.fetchone() == (["欧", "欧阳", "阳", "阳娜", "娜", "娜娜", "娜"], ["L", "LI", "I"])
        cursor.execute(
            "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE c.relname LIKE 'unions_%' AND (c.relname LIKE '%grams' OR c.relname LIKE '%upper') "
            "AND i.indisvalid ORDER BY 1"
        )
        assert [row[0] for row in cursor.fetchall()] == [
            "unions_member_name_grams",
            "unions_union_code_upper",
            "unions_union_name_grams",
        ]


@pytest.mark.django_db(transaction=True)
def test_search_migration_reverses_and_applies_again():
    executor = MigrationExecutor(connection)
    executor.migrate([("unions", "0002_one_pending_application_per_id")])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_proc WHERE proname = 'gonghui_grams'")
            assert cursor.fetchone()[0] == 0
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    union = GrassrootsUnionFactory()
    MemberFactory(union=union, name="张伟明")
    assert _names(Member.objects.filter(name__gram_icontains="伟明")) == {"张伟明"}


def test_makemigrations_check_is_clean(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
