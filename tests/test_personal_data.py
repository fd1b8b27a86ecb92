"""Personal data (issue 11, item 4): one declaration per model, masked for users without the
right everywhere, and every view or export in full on record. The first test walks every API
serializer, so that a new endpoint showing a personal field cannot forget the mechanism."""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import get_resolver, reverse
from rest_framework import serializers

from apps.core import personal
from apps.core.api.serializers import PersonalDataMixin
from apps.core.choices import AuditAction, Role
from apps.core.models import AuditEntry
from apps.core.tests.factories import UserFactory, make_resident_id, region
from apps.hardship.tests.factories import FamilyMemberFactory, HouseholdFactory
from apps.insurance.tests.factories import ClaimFactory, CoverageFactory
from apps.model_workers.tests.factories import HonourFactory, InnovationStudioFactory, ModelWorkerFactory
from apps.unions.tests.factories import GrassrootsUnionFactory, JoinApplicationFactory, MemberFactory

pytestmark = pytest.mark.django_db


def _viewsets():
    """Every viewset of /api/v1/, from the URL patterns (a new one is found without a list)."""
    seen = {}

    def walk(patterns):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns)
            elif getattr(p.callback, "cls", None) is not None and str(p.pattern).startswith("^"):
                seen[p.callback.cls] = None

    walk(get_resolver().url_patterns)
    return list(seen)


def _owner_field(model, source: str):
    """The model and field name that an output field's dotted source reads, if a model field."""
    *hops, name = source.split(".")
    for hop in hops:
        try:
            model = model._meta.get_field(hop).related_model
        except Exception:  # noqa: BLE001 - a property or method, not a field
            return None, None
        if model is None:
            return None, None
    return model, name


def test_every_serializer_that_outputs_a_personal_field_masks_it():
    checked = []
    for viewset in _viewsets():
        for cls in {getattr(viewset, "serializer_class", None)} - {None}:
            if not issubclass(cls, serializers.ModelSerializer):
                continue
            fields = cls().fields
            for name, f in fields.items():
                if f.write_only or f.source == "*":
                    continue
                model, field = _owner_field(cls.Meta.model, f.source)
                if model is None or field not in personal.personal_fields(model):
                    continue
                checked.append((cls.__name__, name))
                assert issubclass(cls, PersonalDataMixin), f"{cls.__name__}.{name} is personal"
                assert cls.personal_paths().get(name) == f.source.replace(".", "__"), (cls.__name__, name)
    # members, applications, model workers, honours, studios, coverages, claims, households, family
    assert len(checked) >= 12, checked


@pytest.fixture
def province_pii(db):
    user = UserFactory(username="province_pii", role=Role.PROVINCE, region=region("620000"))
    user.user_permissions.add(Permission.objects.get(codename="view_personal_data"))
    return user


def _records():
    union = GrassrootsUnionFactory(region=region("620102"))
    member = MemberFactory(union=union)
    h = HouseholdFactory(union=union, head_income=Decimal("1234.56"))
    coverage = CoverageFactory(member=member, union=union)
    return {
        "member": (member, member.id_number),
        "joinapplication": (JoinApplicationFactory(union=union), None),
        "modelworker": (ModelWorkerFactory(union=union), None),
        "honour": (HonourFactory(union=union, kind="medal", id_number=make_resident_id()), None),
        "studio": (InnovationStudioFactory(union=union), None),
        "insurance-coverage": (coverage, member.id_number),
        "insurance-claim": (ClaimFactory(coverage=coverage), member.id_number),
        "household": (h, h.head_id_number),
        "household-member": (FamilyMemberFactory(household=h), None),
    }


def _id_of(obj) -> str:
    for path in (
        "id_number",
        "head_id_number",
        "leader_id_number",
        "member__id_number",
        "coverage__member__id_number",
    ):
        owner, name = personal._resolve(obj, path)
        if owner is not None and hasattr(owner, name) and getattr(owner, name):
            return getattr(owner, name)
    raise AssertionError(obj)


def test_api_masks_without_the_right_and_records_every_view_in_full(api_client, province_user, province_pii):
    records = _records()
    for basename, (obj, _id) in records.items():
        full = _id_of(obj)
        # without the right: masked, nothing recorded
        AuditEntry.objects.filter(action=AuditAction.VIEW).delete()
        body = (
            api_client(province_user).get(reverse(f"api:{basename}-detail", args=[obj.pk])).content.decode()
        )
        assert full not in body, basename
        assert personal.mask(personal.RESIDENT_ID, full) in body, basename
        assert not AuditEntry.objects.filter(action=AuditAction.VIEW).exists(), basename
        # with the right: in full, and on record (who, which record)
        body = api_client(province_pii).get(reverse(f"api:{basename}-detail", args=[obj.pk])).content.decode()
        assert full in body, basename
        entries = AuditEntry.objects.filter(action=AuditAction.VIEW, user=province_pii)
        assert entries.exists(), basename
        assert all(e.source == "api" for e in entries)
        # a list in full: one entry per model with the count
        AuditEntry.objects.filter(action=AuditAction.VIEW).delete()
        r = api_client(province_pii).get(reverse(f"api:{basename}-list"))
        assert r.status_code == 200
        assert full in r.content.decode(), basename
        assert AuditEntry.objects.filter(action=AuditAction.VIEW, user=province_pii).exists(), basename


def test_a_list_of_many_is_one_entry_with_its_count(api_client, province_pii):
    union = GrassrootsUnionFactory(region=region("620102"))
    members = MemberFactory.create_batch(7, union=union)
    r = api_client(province_pii).get(reverse("api:member-list"))
    assert r.status_code == 200
    entry = AuditEntry.objects.get(action=AuditAction.VIEW)
    assert entry.changes["count"] == 7
    assert sorted(entry.changes["ids"]) == sorted(str(m.pk) for m in members)
    assert entry.changes["fields"] == ["id_number"]
    assert entry.object_id == ""
    assert entry.username == "province_pii"


def test_masked_income_is_null_and_the_schema_says_so(api_client, province_user):
    h = HouseholdFactory(head_income=Decimal("1234.56"))
    data = api_client(province_user).get(reverse("api:household-detail", args=[h.pk])).json()
    assert data["head_income"] is None and data["family_income"] is None
    schema = api_client(province_user).get("/api/schema/?format=json").json()
    household = schema["components"]["schemas"]["Household"]["properties"]
    assert household["head_income"].get("nullable") is True
    assert "masked" in household["head_income"]["description"]


def test_pages_and_admin_record_views_in_full(client, province_pii, admin_user):
    union = GrassrootsUnionFactory(region=region("620102"))
    member = MemberFactory(union=union)
    MemberFactory.create_batch(2, union=union)
    client.force_login(province_pii)
    body = client.get(reverse("unions:member-list")).content.decode()
    assert member.id_number in body
    entry = AuditEntry.objects.get(action=AuditAction.VIEW)
    assert (entry.source, entry.changes["count"]) == ("page", 3)
    AuditEntry.objects.all().delete()
    client.force_login(admin_user)
    client.get(reverse("admin:unions_member_change", args=[member.pk]))
    entry = AuditEntry.objects.get(action=AuditAction.VIEW)
    assert (entry.source, entry.object_id, entry.user) == ("admin", str(member.pk), admin_user)


def test_export_command_records_an_export_in_full(tmp_path, province_pii, province_user):
    union = GrassrootsUnionFactory(region=region("620102"))
    MemberFactory.create_batch(3, union=union)
    target = tmp_path / "members.csv"
    call_command("export_records", "members", str(target), user="province")
    with open(target, encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert len(rows) == 4 and "********" in rows[1][2] + rows[1][1]
    assert not AuditEntry.objects.filter(action=AuditAction.VIEW).exists()
    call_command("export_records", "members", str(target), user="province_pii")
    entry = AuditEntry.objects.get(action=AuditAction.VIEW)
    assert (entry.user, entry.changes["count"], entry.source) == (province_pii, 3, "command")
    assert "3" in entry.note
