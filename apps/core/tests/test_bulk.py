"""bulk_insert: COPY on PostgreSQL, bulk_create elsewhere — the same rows either way."""

import pytest
from django.contrib.contenttypes.models import ContentType

from apps.core.bulk import bulk_insert
from apps.core.models import AuditEntry, Region

pytestmark = pytest.mark.django_db


def test_bulk_insert_sets_keys_and_stores_every_field_exactly(county_user):
    # given: entries with JSON (incl. Chinese text and nested lists), a user, a region, no time set
    ct = ContentType.objects.get_for_model(Region)
    region = Region.objects.get(code="620102")
    entries = [
        AuditEntry(
            user=county_user,
            username=county_user.username,
            source="import",
            action="create",
            content_type=ct,
            object_id=str(i),
            object_repr=f"记录 {i}",
            region=region,
            changes={"姓名": [None, f"张三{i}"], "n": [1, i], "tab\tand\\slash": ["a\nb", None]},
            note="导入",
        )
        for i in range(7)
    ]

    # when
    inserted = bulk_insert(AuditEntry, entries, batch_size=3)

    # then: every instance has its own key and the database holds exactly what was given
    keys = [e.pk for e in inserted]
    assert None not in keys and len(set(keys)) == 7
    stored = {e.pk: e for e in AuditEntry.objects.filter(pk__in=keys)}
    for i, e in enumerate(inserted):
        row = stored[e.pk]
        assert row.object_id == str(i)
        assert row.object_repr == f"记录 {i}"
        assert row.changes == {"姓名": [None, f"张三{i}"], "n": [1, i], "tab\tand\\slash": ["a\nb", None]}
        assert row.user_id == county_user.pk and row.region_id == region.pk
        assert row.at is not None  # auto_now_add filled in
        assert e._state.adding is False


def test_bulk_insert_keeps_the_sequence_in_step_with_later_single_saves(county_user):
    ct = ContentType.objects.get_for_model(Region)
    make = lambda i: AuditEntry(source="import", action="create", content_type=ct, object_id=str(i))  # noqa: E731
    inserted = bulk_insert(AuditEntry, [make(i) for i in range(3)])
    later = make(99)
    later.save()
    assert later.pk > max(e.pk for e in inserted)


def test_bulk_insert_of_nothing_writes_nothing():
    before = AuditEntry.objects.count()
    assert bulk_insert(AuditEntry, []) == []
    assert AuditEntry.objects.count() == before
