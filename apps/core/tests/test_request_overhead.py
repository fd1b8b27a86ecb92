"""What every request pays (issue 15): the token looked up once, the user's region subtree in one
statement, the permissions granted one by one read from the cache and outdated by any change."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from apps.core.auth import RoleBackend
from apps.core.choices import Role
from apps.core.models import Region, User
from apps.core.tests.factories import UserFactory, region
from apps.unions.tests.factories import GrassrootsUnionFactory, MemberFactory

pytestmark = pytest.mark.django_db


def _fresh(user: User) -> User:
    """The user as the next request loads it (no per-object caches)."""
    return User.objects.get(pk=user.pk)


def test_an_api_request_by_token_reads_the_token_once_and_the_subtree_in_one_statement():
    user = UserFactory(role=Role.COUNTY, region=region("620102"))
    member = MemberFactory(union=GrassrootsUnionFactory(region=region("620102")))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    client.get(f"/api/v1/unions/members/{member.pk}/")  # warm: content types, the grants' cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/unions/members/{member.pk}/")
    assert response.status_code == 200
    assert response.json()["id"] == member.pk
    sql = [q["sql"] for q in queries.captured_queries]
    assert sum('FROM "authtoken_token"' in s for s in sql) == 1, sql
    assert sum('FROM "core_region"' in s for s in sql) == 1, sql
    assert not any('"auth_permission"' in s for s in sql), sql


def test_a_wrong_or_inactive_token_is_still_refused():
    user = UserFactory(role=Role.COUNTY, region=region("620102"))
    token = Token.objects.create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    # 403, not 401: session authentication comes first and sends no WWW-Authenticate (as before)
    response = client.get("/api/v1/unions/members/")
    assert response.status_code == 403
    assert response.json()["message"] == "认证令牌无效。"
    user.is_active = False
    user.save(update_fields=["is_active"])
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.get("/api/v1/unions/members/")
    assert response.status_code == 403
    assert response.json()["message"] == "用户未激活或者已删除。"


def test_subtree_ids_are_the_region_and_everything_below_it():
    city = Region.objects.get(code="620100")
    below = set(Region.objects.filter(path__startswith=city.path).values_list("id", flat=True))
    assert set(Region.objects.subtree_ids(city.pk)) == below
    assert Region.objects.get(code="620102").pk in below
    assert Region.objects.get(code="620200").pk not in below
    assert Region.objects.subtree_ids(0) == []


def test_granted_permissions_come_from_the_cache_and_follow_every_change():
    backend = RoleBackend()
    user = UserFactory(role=Role.PROVINCE, region=region("620000"))
    perm = Permission.objects.get(codename="view_personal_data")
    assert not backend.has_perm(_fresh(user), "core.view_personal_data")

    user.user_permissions.add(perm)
    assert backend.has_perm(_fresh(user), "core.view_personal_data")
    with CaptureQueriesContext(connection) as queries:
        assert backend.has_perm(_fresh(user), "core.view_personal_data")
    assert not any('"auth_permission"' in q["sql"] for q in queries.captured_queries)

    user.user_permissions.remove(perm)
    assert not backend.has_perm(_fresh(user), "core.view_personal_data")

    group = Group.objects.create(name="可查看个人信息")
    group.permissions.add(perm)
    user.groups.add(group)
    assert backend.has_perm(_fresh(user), "core.view_personal_data")
    group.permissions.remove(perm)
    assert not backend.has_perm(_fresh(user), "core.view_personal_data")
    group.permissions.add(perm)
    assert backend.has_perm(_fresh(user), "core.view_personal_data")
    group.delete()
    assert not backend.has_perm(_fresh(user), "core.view_personal_data")


def test_another_user_with_a_recycled_id_does_not_inherit_cached_grants():
    backend = RoleBackend()
    user = UserFactory(role=Role.PROVINCE, region=region("620000"))
    user.user_permissions.add(Permission.objects.get(codename="view_personal_data"))
    assert backend.has_perm(_fresh(user), "core.view_personal_data")
    pk = user.pk
    User.objects.filter(pk=pk).delete()
    again = UserFactory(role=Role.PROVINCE, region=region("620000"), id=pk)
    assert not backend.has_perm(_fresh(again), "core.view_personal_data")
