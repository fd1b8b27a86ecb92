import pytest
from django.urls import reverse

from apps.core.choices import AuditAction, AuditSource
from apps.core.models import AuditEntry, Region
from apps.core.testing import ScopedAdminContract, ScopedAPIContract, ScopedPageContract
from apps.core.tests.factories import TownshipFactory


@pytest.mark.django_db
def test_gansu_divisions_are_shipped():
    assert Region.objects.filter(level="province").get().code == "620000"
    assert Region.objects.filter(level="prefecture").count() == 14
    assert Region.objects.filter(level="county").count() == 86
    cg = Region.objects.get(code="620102")
    assert (cg.name, cg.parent.code, cg.path) == ("城关区", "620100", "/620000/620100/620102/")
    assert not Region.objects.filter(parent__code="620200").exists()  # Jiayuguan has no counties


@pytest.mark.parametrize(("level", "count"), [("county", 86), ("prefecture", 14), ("province", 1)])
def test_api_filters_regions_by_level(province_user, api_client, level, count):
    resp = api_client(province_user).get("/api/v1/regions/", {"level": level, "page_size": 200})
    assert resp.status_code == 200
    assert resp.json()["count"] == count
    assert {r["level"] for r in resp.json()["results"]} == {level}


def test_api_filters_regions_by_parent_code(province_user, api_client):
    resp = api_client(province_user).get("/api/v1/regions/", {"parent": "620100"})
    assert [r["code"] for r in resp.json()["results"]] == [
        "620102",
        "620103",
        "620104",
        "620105",
        "620111",
        "620121",
        "620122",
        "620123",
    ]


def test_county_user_sees_own_subtree_and_ancestors_only(county_user, api_client):
    TownshipFactory(code="620102001", name="东岗西路街道")
    resp = api_client(county_user).get("/api/v1/regions/", {"page_size": 200})
    assert [r["code"] for r in resp.json()["results"]] == ["620000", "620100", "620102", "620102001"]


class TestRegionAPIScope(ScopedAPIContract):
    basename = "region"
    writable = False  # only administrators change regions

    def make_object(self, region):
        return TownshipFactory(parent=region)

    def update_payload(self, obj):
        return {"name": "改名街道"}

    def create_payload(self, region):
        return {"code": f"{region.code}999", "name": "新街道", "parent": region.code}


class TestRegionPageScope(ScopedPageContract):
    list_url_name = "region-list"
    detail_url_name = "region-detail"
    detail_lookup_attr = "code"

    def make_object(self, region):
        return TownshipFactory(parent=region)


class TestRegionAdminScope(ScopedAdminContract):
    def make_object(self, region):
        return TownshipFactory(parent=region)


def test_admin_adds_township_through_the_api_with_audit(admin_user, api_client):
    resp = api_client(admin_user).post(
        "/api/v1/regions/", {"code": "620102002", "name": "酒泉路街道", "parent": "620102"}, format="json"
    )
    assert resp.status_code == 201, resp.content
    township = Region.objects.get(code="620102002")
    assert township.path == "/620000/620100/620102/620102002/"
    entry = AuditEntry.objects.get(object_id=str(township.pk), content_type__model="region")
    assert (entry.action, entry.source, entry.user, entry.region_id) == (
        AuditAction.CREATE,
        AuditSource.API,
        admin_user,
        township.pk,
    )
    assert entry.changes["name"] == [None, "酒泉路街道"]


def test_bad_township_code_gets_a_clear_error_and_nothing_is_written(admin_user, api_client):
    resp = api_client(admin_user).post(
        "/api/v1/regions/", {"code": "620103002", "name": "错位街道", "parent": "620102"}, format="json"
    )
    assert resp.status_code == 400
    body = resp.json()
    assert set(body) == {"message", "extra"}
    assert "620102" in body["message"] and "620103002" in body["message"]
    assert not Region.objects.filter(code="620103002").exists()
    assert not AuditEntry.objects.exists()


def test_county_user_cannot_add_regions(county_user, api_client):
    resp = api_client(county_user).post(
        "/api/v1/regions/", {"code": "620102003", "name": "x", "parent": "620102"}, format="json"
    )
    assert resp.status_code == 403
    assert not Region.objects.filter(code="620102003").exists()


def test_township_page_form_writes_with_page_audit(admin_user, client):
    client.force_login(admin_user)
    resp = client.post(
        reverse("township-create"), {"parent": "620102", "code": "620102004", "name": "广武门街道"}
    )
    assert resp.status_code == 302
    township = Region.objects.get(code="620102004")
    entry = AuditEntry.objects.get(object_id=str(township.pk))
    assert (entry.source, entry.user) == (AuditSource.PAGE, admin_user)


def test_township_page_form_shows_error_in_chinese(admin_user, client):
    client.force_login(admin_user)
    resp = client.post(reverse("township-create"), {"parent": "620102", "code": "620103005", "name": "x"})
    assert resp.status_code == 200
    assert "乡镇代码" in resp.content.decode()
    assert not Region.objects.filter(code="620103005").exists()


def test_admin_site_add_and_rename_are_audited(admin_user, client):
    client.force_login(admin_user)
    parent = Region.objects.get(code="620102")
    resp = client.post(
        reverse("admin:core_region_add"),
        {"code": "620102006", "name": "皋兰路街道", "level": "township", "parent": parent.pk},
    )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    township = Region.objects.get(code="620102006")
    resp = client.post(reverse("admin:core_region_change", args=[township.pk]), {"name": "皋兰路街道办"})
    assert resp.status_code == 302
    entries = list(AuditEntry.objects.filter(object_id=str(township.pk)).order_by("id"))
    assert [(e.action, e.source) for e in entries] == [
        (AuditAction.CREATE, AuditSource.ADMIN),
        (AuditAction.UPDATE, AuditSource.ADMIN),
    ]
    assert entries[1].changes == {"name": ["皋兰路街道", "皋兰路街道办"]}
    history = client.get(reverse("admin:core_region_history", args=[township.pk]))
    assert "皋兰路街道办" in history.content.decode()


def test_region_detail_page_shows_history(admin_user, client, api_client):
    api_client(admin_user).post(
        "/api/v1/regions/", {"code": "620102007", "name": "盐场路街道", "parent": "620102"}, format="json"
    )
    client.force_login(admin_user)
    resp = client.get(reverse("region-detail", args=["620102007"]))
    assert resp.status_code == 200
    assert [e.action for e in resp.context["history"]] == [AuditAction.CREATE]
