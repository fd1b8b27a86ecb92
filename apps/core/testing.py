"""Reusable test contracts every scoped endpoint, page and admin inherits.

A domain test subclasses one of these and fills in the hooks; the contract then checks
that a user of another county gets a 404 for the object and that nothing changed, that
anonymous users are turned away, and that the user's own objects are reachable.

Hooks (all receive the Region the object must sit in):
    make_object(region)        -> a saved object in that region
    create_payload(region)     -> dict for POST, or None when the API has no create
    update_payload(obj)        -> dict for PATCH, or None when the API has no update
    state(obj)                 -> what "nothing changed" compares (default: all field values)

Statuses are asserted exactly: ``writable``, ``anonymous_status`` and ``created_status`` say
what differs for a resource. The permitted path is checked too: the payload refused in the
other county is accepted in the user's own (create 201, update 200).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.forms.models import model_to_dict
from django.urls import resolve, reverse
from django.utils.translation import gettext
from rest_framework.test import APIClient

from apps.core.choices import Role
from apps.core.tests.factories import UserFactory, region

OWN = "620102"
OTHER = "620103"


class _Contract:
    own_region_code = OWN
    other_region_code = OTHER
    user_role = Role.COUNTY

    def make_object(self, region):  # pragma: no cover - hook
        raise NotImplementedError

    def state(self, obj) -> dict[str, Any]:
        obj = type(obj)._base_manager.get(pk=obj.pk)
        return model_to_dict(obj)

    @pytest.fixture
    def scope(self, db):
        own_region, other_region = region(self.own_region_code), region(self.other_region_code)
        user = UserFactory(username="contract_user", role=self.user_role, region=own_region)
        return {
            "user": user,
            "own_region": own_region,
            "other_region": other_region,
            "own": self.make_object(own_region),
            "other": self.make_object(other_region),
        }


class ScopedAPIContract(_Contract):
    """For a router-registered viewset: set ``basename`` (the router basename, e.g. ``"member"``)."""

    basename: str = ""
    writable = True  # whether county staff may write this resource at all
    lookup_attr = "pk"
    # SessionAuthentication is the first authenticator and sends no WWW-Authenticate
    # challenge, so DRF answers an anonymous request 403, not 401.
    anonymous_status = 403
    created_status = 201  # a yearly report answers 202: it is queued, not made

    def routed(self, obj) -> set[str]:
        """The HTTP methods the viewset offers on a record (those its router mapped)."""
        return set(resolve(self.detail_url(obj)).func.actions)

    def refused_status(self) -> int:
        """The exact answer to a write on another county's record: 403 when county staff may
        not write this resource at all (the role is refused before anything is looked up),
        otherwise 404 whether or not the viewset offers the method: the record is looked up
        in the user's scope first, and its existence is not revealed by a 405."""
        return 404 if self.writable else 403

    def create_payload(self, region) -> dict | None:
        return None

    def update_payload(self, obj) -> dict | None:
        return None

    def list_url(self) -> str:
        return reverse(f"api:{self.basename}-list")

    def detail_url(self, obj) -> str:
        return reverse(f"api:{self.basename}-detail", args=[getattr(obj, self.lookup_attr)])

    def client(self, user=None) -> APIClient:
        c = APIClient()
        if user is not None:
            c.force_authenticate(user)
        return c

    def test_anonymous_is_refused(self, scope):
        c = self.client()
        assert c.get(self.list_url()).status_code == self.anonymous_status
        assert c.get(self.detail_url(scope["own"])).status_code == self.anonymous_status

    def test_list_holds_only_own_scope(self, scope):
        resp = self.client(scope["user"]).get(self.list_url(), {"page_size": 500})
        assert resp.status_code == 200
        ids = {str(row["id"]) for row in resp.json()["results"]}
        assert str(scope["own"].pk) in ids
        assert str(scope["other"].pk) not in ids

    def test_own_detail_is_reachable(self, scope):
        resp = self.client(scope["user"]).get(self.detail_url(scope["own"]))
        assert resp.status_code == 200
        assert str(resp.json()["id"]) == str(scope["own"].pk)

    def test_other_county_detail_is_404(self, scope):
        assert self.client(scope["user"]).get(self.detail_url(scope["other"])).status_code == 404

    def test_other_county_update_is_refused_and_nothing_changes(self, scope):
        payload = self.update_payload(scope["other"]) or {}
        before = self.state(scope["other"])
        resp = self.client(scope["user"]).patch(self.detail_url(scope["other"]), payload, format="json")
        assert resp.status_code == self.refused_status(), resp.content
        assert self.state(scope["other"]) == before
        own_payload = self.update_payload(scope["own"])
        if not self.writable or own_payload is None or "patch" not in self.routed(scope["own"]):
            return
        # The same change on the user's own record is accepted: the refusal above was the
        # scope's, not an invalid payload's.
        own_before = self.state(scope["own"])
        resp = self.client(scope["user"]).patch(self.detail_url(scope["own"]), own_payload, format="json")
        assert resp.status_code == 200, resp.content
        assert self.state(scope["own"]) != own_before

    def test_other_county_delete_is_refused_and_record_stays(self, scope):
        resp = self.client(scope["user"]).delete(self.detail_url(scope["other"]))
        assert resp.status_code == self.refused_status(), resp.content
        assert type(scope["other"])._base_manager.filter(pk=scope["other"].pk).exists()

    def test_create_in_other_county_is_refused_and_in_own_succeeds(self, scope):
        payload = self.create_payload(scope["other_region"])
        if payload is None:
            pytest.skip("this resource has no create endpoint")
        model = type(scope["other"])
        count = model._base_manager.count()
        resp = self.client(scope["user"]).post(self.list_url(), payload, format="json")
        # A writable resource refuses the other county's union or region as invalid input;
        # otherwise the role is refused before the payload is read.
        assert resp.status_code == (400 if self.writable else 403), resp.content
        assert model._base_manager.count() == count
        if not self.writable:
            return
        # The same payload in the user's own region is accepted: the refusal above was the
        # scope's, not an invalid payload's.
        resp = self.client(scope["user"]).post(
            self.list_url(), self.create_payload(scope["own_region"]), format="json"
        )
        assert resp.status_code == self.created_status, resp.content
        assert model._base_manager.count() == count + 1


class ScopedPageContract(_Contract):
    """For server-rendered pages: set ``list_url_name`` and ``detail_url_name``."""

    list_url_name: str = ""
    detail_url_name: str = ""
    detail_lookup_attr = "pk"

    def detail_url(self, obj) -> str:
        return reverse(self.detail_url_name, args=[getattr(obj, self.detail_lookup_attr)])

    def test_anonymous_is_sent_to_login(self, scope, client):
        resp = client.get(reverse(self.list_url_name))
        assert resp.status_code == 302 and reverse("login") in resp["Location"]

    def test_list_shows_only_own_scope(self, scope, client):
        client.force_login(scope["user"])
        resp = client.get(reverse(self.list_url_name))
        assert resp.status_code == 200
        shown = set(resp.context["object_list"])
        assert scope["own"] in shown
        assert scope["other"] not in shown

    def test_own_detail_renders(self, scope, client):
        client.force_login(scope["user"])
        assert client.get(self.detail_url(scope["own"])).status_code == 200

    def test_other_county_detail_is_404(self, scope, client):
        client.force_login(scope["user"])
        assert client.get(self.detail_url(scope["other"])).status_code == 404


class ScopedAdminContract(_Contract):
    """For a ModelAdmin derived from ScopedAdmin.

    The Django admin is for administrators only (``apps.core.auth.may_use_admin``): county,
    prefecture and province staff work in the pages, whose workflows the admin would bypass.
    So for them every admin URL of the model leads to the admin login and nothing changes,
    even with a staff flag set by hand; administrators see and open every region's records.
    Behind the door the ModelAdmin still restricts its queryset to the user's scope
    (ScopedAdmin), checked on the ModelAdmin itself.
    """

    other_roles = ((Role.COUNTY, OWN), (Role.PREFECTURE, "620100"), (Role.PROVINCE, "620000"))

    def admin_url(self, obj, view: str = "change") -> str:
        opts = type(obj)._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk])

    def changelist_url(self, obj) -> str:
        opts = type(obj)._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")

    @pytest.fixture
    def administrator(self, db):
        return UserFactory(username="contract_admin", role=Role.ADMIN, region=region("620000"))

    def test_other_roles_get_no_admin_and_nothing_changes(self, scope, client):
        own = scope["own"]
        model = type(own)
        before = self.state(own)
        login = reverse("admin:login")
        for role, code in self.other_roles:
            user = UserFactory(username=f"contract_{role}", role=role, region=region(code), is_staff=True)
            client.force_login(user)
            for resp in (
                client.get(self.changelist_url(own)),
                client.get(self.admin_url(own)),
                client.get(self.admin_url(own, "history")),
                client.post(self.admin_url(own, "delete"), {"post": "yes"}),
                client.post(
                    self.changelist_url(own),
                    {"action": "delete_selected", "_selected_action": [own.pk], "post": "yes"},
                ),
            ):
                assert resp.status_code == 302, (role, resp.status_code)
                assert resp["Location"].startswith(login), (role, resp["Location"])
        assert model._base_manager.filter(pk=own.pk).exists()
        assert self.state(own) == before

    def test_administrator_sees_and_opens_every_region(self, scope, administrator, client):
        client.force_login(administrator)
        resp = client.get(self.changelist_url(scope["own"]), {"all": ""})
        assert resp.status_code == 200
        shown = set(resp.context["cl"].queryset)
        assert {scope["own"], scope["other"]} <= shown
        for obj in (scope["own"], scope["other"]):
            assert client.get(self.admin_url(obj)).status_code == 200
            assert client.get(self.admin_url(obj, "history")).status_code == 200

    def test_the_model_admin_still_restricts_to_the_user_s_scope(self, scope, rf):
        from django.contrib import admin
        from django.http import Http404

        model_admin = admin.site._registry[type(scope["own"])]
        request = rf.get("/admin/")
        request.user = scope["user"]
        shown = set(model_admin.get_queryset(request))
        assert scope["own"] in shown
        assert scope["other"] not in shown
        with pytest.raises(Http404, match=re.escape(gettext("No such record in your scope."))):
            model_admin.get_object(request, str(scope["other"].pk))


@contextmanager
def override_flag(key: str, lookup: Callable[..., Iterable[str]]) -> Iterator[list[list[str]]]:
    """Answer the resident flag ``key`` of ``apps.core.registry`` with ``lookup`` for the
    duration (the domain that contributes it is stubbed). Yields the list of ID lists asked,
    so a test can count the lookups a page makes."""
    from apps.core import registry

    calls: list[list[str]] = []

    def recording(ids: list[str], *, user: Any = None) -> Iterable[str]:
        calls.append(list(ids))
        return lookup(ids, user=user)

    saved = registry._contributions.pop(key, None)
    registry._contributions[key] = registry.Contribution(key, recording)
    try:
        yield calls
    finally:
        registry._contributions.pop(key, None)
        if saved is not None:
            registry._contributions[key] = saved


def ensure_regions() -> None:
    """Transactional tests end with a flush that also empties the regions shipped by a data
    migration; put them back (the root conftest does this before every transactional test)."""
    import importlib

    from django.apps import apps as django_apps

    from apps.core.models import Region

    if not Region.objects.exists():
        importlib.import_module("apps.core.migrations.0002_gansu_regions").load(django_apps, None)
