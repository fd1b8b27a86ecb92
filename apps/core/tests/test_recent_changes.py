"""The home page's recent changes: the latest entries of the user's scope that are not views
of personal data, read on PostgreSQL through the partial index of such entries (migration
core.0009), so that the views, which outnumber the changes in daily use, are never walked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from apps.core import audit, selectors
from apps.core.choices import AuditAction
from apps.core.models import AuditEntry
from apps.core.tests.factories import region
from apps.unions.tests.factories import GrassrootsUnionFactory


def _views(union, n: int) -> None:
    entry = AuditEntry.objects.filter(action=AuditAction.CREATE).first()
    now = timezone.now()
    AuditEntry.objects.bulk_create(
        AuditEntry(
            at=now + dt.timedelta(seconds=i),
            username="viewer",
            source=entry.source,
            action=AuditAction.VIEW,
            content_type=entry.content_type,
            object_id=str(union.pk),
            object_repr=union.name,
            region=union.region,
        )
        for i in range(n)
    )


@pytest.fixture
def trail(db, county_user):
    own = GrassrootsUnionFactory(name="本县工会")
    other = GrassrootsUnionFactory(name="外县工会", region=region("620103"))
    for union in (own, other):
        audit.record(union, AuditAction.CREATE, user=county_user)
    audit.record(own, AuditAction.UPDATE, changes={"name": ["旧", "本县工会"]}, user=county_user)
    _views(own, 50)
    return own, other


def test_the_latest_changes_of_the_scope_without_views(trail, county_user, province_user):
    own, other = trail
    changes = selectors.recent_changes(user=county_user)
    assert [(e.action, e.object_id) for e in changes] == [
        (AuditAction.UPDATE, str(own.pk)),
        (AuditAction.CREATE, str(own.pk)),
    ]
    everywhere = selectors.recent_changes(user=province_user)
    assert {e.object_id for e in everywhere} == {str(own.pk), str(other.pk)}
    assert AuditAction.VIEW not in {e.action for e in everywhere}
    assert len(selectors.recent_changes(user=province_user, limit=1)) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's indexes and planner")
def test_postgresql_reads_the_changes_through_their_index(trail, county_user):
    own, _other = trail
    _views(own, 20_000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE core_auditentry")
    query = selectors.audit_list(user=county_user).exclude(action=AuditAction.VIEW)[:10]
    assert "core_audit_changes_at" in query.explain()
