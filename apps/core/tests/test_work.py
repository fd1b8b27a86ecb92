"""The work-queue registry of the home page (apps/core/work.py): contributions, the order and
links of what waits, capped counts, and the four-eyes condition read from the audit trail."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core import audit, work
from apps.core.choices import AuditAction, Role
from apps.core.models import Region
from apps.core.tests.factories import TownshipFactory, UserFactory, region


@pytest.fixture
def empty_registry():
    """The registry without the domains' contributions for the test, restored afterwards."""
    saved_queues, saved_headline = dict(work._queues), list(work._headline)
    work._queues.clear()
    work._headline.clear()
    yield
    work._queues.clear()
    work._queues.update(saved_queues)
    work._headline[:] = saved_headline


def three(user):
    return 3


def none_waiting(user):
    return 0


def twelve(user):
    return 12


def test_the_domains_contribute_their_queues_and_the_headline():
    keys = {q.key for q in work.queues()}
    assert {
        "unions.transfers",
        "unions.applications",
        "hardship.reviews",
        "hardship.rechecks",
        "hardship.step_new",
        "insurance.claims_to_review",
        "insurance.claims_to_approve",
        "insurance.claims_to_pay",
        "services.relief_to_approve",
        "services.relief_to_pay",
        "services.open_cases",
        "services.overdue_loans",
    } <= keys
    assert [f.__qualname__ for f in work._headline] == ["reports_work_headline"]


def test_waiting_lists_the_queues_with_items_in_order_with_their_links(db, empty_registry):
    user = UserFactory()
    work.contribute(work.Queue(key="b.later", label="later", count=twelve, url_name="region-list", order=20))
    work.contribute(
        work.Queue(key="a.first", label="first", count=three, url_name="region-list", query="q=x", order=10)
    )
    work.contribute(work.Queue(key="c.empty", label="empty", count=none_waiting, url_name="region-list"))

    waiting = work.waiting_for(user)

    assert [(w.key, w.count, w.display, w.url) for w in waiting] == [
        ("a.first", 3, "3", "/regions/?q=x"),
        ("b.later", 12, "12", "/regions/"),
    ]


def test_a_queue_whose_page_is_not_installed_is_shown_without_a_link(db, empty_registry):
    work.contribute(work.Queue(key="x.orphan", label="orphan", count=three, url_name="nowhere:list"))
    assert [(w.key, w.url) for w in work.waiting_for(UserFactory())] == [("x.orphan", "")]


def test_contributing_the_same_queue_again_is_a_no_op(empty_registry):
    queue = work.Queue(key="a.q", label="q", count=three, url_name="region-list")
    work.contribute(queue)
    work.contribute(work.Queue(key="a.q", label="q", count=three, url_name="region-list"))
    assert work.queues() == [queue]


def test_a_second_count_for_a_contributed_queue_is_refused(empty_registry):
    work.contribute(work.Queue(key="a.q", label="q", count=three, url_name="region-list"))
    with pytest.raises(ImproperlyConfigured, match=r"'a\.q' is already contributed by .*\.three; .*\.twelve"):
        work.contribute(work.Queue(key="a.q", label="q", count=twelve, url_name="region-list"))
    assert work.queues()[0].count is three


def test_nobody_logged_in_or_inactive_waits_for_anything(db, empty_registry):
    asked = []

    def spy(user):
        asked.append(user)
        return 5

    work.contribute(work.Queue(key="a.spy", label="spy", count=spy, url_name="region-list"))
    work.contribute_headline(lambda user: work.Headline(region="x", year=2025))
    inactive = UserFactory(is_active=False)

    assert work.waiting_for(AnonymousUser()) == [] and work.waiting_for(inactive) == []
    assert work.headline_for(AnonymousUser()) is None and work.headline_for(inactive) is None
    assert asked == []


def test_one_headline_contribution(db, empty_registry):
    def first(user):
        return work.Headline(region="甘肃省", year=2025)

    def second(user):
        return None

    assert work.headline_for(UserFactory()) is None  # nobody contributes: no headline
    work.contribute_headline(first)
    work.contribute_headline(first)
    with pytest.raises(ImproperlyConfigured, match=r"already contributed by .*first; .*second cannot"):
        work.contribute_headline(second)
    assert work.headline_for(UserFactory()) == work.Headline(region="甘肃省", year=2025)


def test_capped_count_stops_counting_above_the_cap_in_one_query(db, monkeypatch):
    monkeypatch.setattr(work, "CAP", 5)
    assert Region.objects.count() > 6
    with CaptureQueriesContext(connection) as ctx:
        n = work.capped_count(Region.objects.select_related("parent").order_by("name"))
    assert n == 6
    assert len(ctx.captured_queries) == 1
    sql = ctx.captured_queries[0]["sql"].upper()
    assert "LIMIT 6" in sql and "JOIN" not in sql  # neither the joins nor the ordering of the list
    shown = work.Waiting(key="k", label="l", count=n, url="")
    assert shown.capped and shown.display == "5+"
    assert work.capped_count(Region.objects.filter(code="620102")) == 1


def test_takes_judges_the_role_as_a_decision_step_does(db):
    county = UserFactory(role=Role.COUNTY)
    superuser = UserFactory(role=Role.COUNTY)
    superuser.is_superuser = True  # the factory makes only administrators superusers
    assert work.takes(county, (Role.COUNTY,)) and not work.takes(county, (Role.PREFECTURE,))
    assert work.takes(superuser, (Role.ADMIN,)) and not work.takes(superuser, (Role.COUNTY,))
    assert not work.takes(AnonymousUser(), (Role.COUNTY,))
    assert not work.takes(UserFactory(role=Role.COUNTY, is_active=False), (Role.COUNTY,))


def test_content_edited_by_reads_who_changed_a_records_contents(db):
    """Excluding the condition drops every record the user edited (the superset of "last
    editor" four eyes refuses), whatever the number of records, in the count's own query."""
    clerk, colleague = UserFactory(username="clerk"), UserFactory(username="colleague")
    created, edited, decided, other, named_none = (TownshipFactory() for _ in range(5))
    audit.record(created, AuditAction.CREATE, user=clerk)  # a create names every field
    audit.record(edited, AuditAction.UPDATE, changes={"name": ["旧", "新"]}, user=clerk)
    audit.record(decided, AuditAction.UPDATE, changes={"path": ["a", "b"]}, user=clerk)  # ignored
    audit.record(other, AuditAction.UPDATE, changes={"name": ["旧", "新"]}, user=colleague)
    audit.record(named_none, AuditAction.UPDATE, changes={}, user=clerk)  # as last_editor_id reads it
    audit.record(other, AuditAction.VIEW, changes={"name": ["", ""]}, user=clerk)  # a view is no edit
    townships = Region.objects.filter(pk__in=[r.pk for r in (created, edited, decided, other, named_none)])

    with CaptureQueriesContext(connection) as ctx:
        touched = set(
            townships.filter(work.content_edited_by(clerk, Region, ignore_fields=("path",))).values_list(
                "pk", flat=True
            )
        )
    assert touched == {created.pk, edited.pk, named_none.pk}
    assert len([q for q in ctx.captured_queries if "core_auditentry" in q["sql"]]) == 1
    assert set(townships.exclude(work.content_edited_by(colleague, Region)).values_list("pk", flat=True)) == {
        created.pk,
        edited.pk,
        decided.pk,
        named_none.pk,
    }
    assert region("620102").pk not in touched
