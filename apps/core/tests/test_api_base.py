"""The API base layer (apps.core.api): viewsets composed of the mixins they need, reads
through the pages' selectors, the audit context of a request undone when it ends."""

from __future__ import annotations

import re

import pytest
from django.urls import resolve, reverse
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIRequestFactory, force_authenticate

from apps.core import audit
from apps.core.api.base import ScopedViewSetMixin
from apps.core.choices import AuditSource
from apps.core.filtersets import code_or_id_q
from apps.core.tests.factories import region

UNSAFE = ("post", "put", "patch", "delete")


def _routed_and_documented() -> list[tuple[str, set[str], set[str]]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    out = []
    for path, item in schema["paths"].items():
        match = resolve(re.sub(r"\{[^}]+\}", "1", path).replace("/download/1/", "/download/json/"))
        actions = getattr(match.func, "actions", None)
        if actions is None:  # a plain APIView (the token door)
            continue
        documented = {m for m in item if m in ("get", *UNSAFE)}
        out.append((path, set(actions) - {"head"}, documented))
    return out


def test_every_routed_method_is_documented_and_nothing_else():
    """A viewset offers exactly what its schema says: no inherited method cancelled with a
    MethodNotAllowed behind ``exclude=True`` (STYLE.md convention 12)."""
    rows = _routed_and_documented()
    mismatches = [(path, routed, documented) for path, routed, documented in rows if routed != documented]
    assert mismatches == []
    assert len(rows) >= 70


def test_read_only_resources_route_no_write_method():
    # given the viewsets composed without write mixins
    coverage = resolve(reverse("api:insurance-coverage-detail", args=[1])).func
    application = resolve(reverse("api:joinapplication-detail", args=[1])).func
    disbursement = resolve(reverse("api:hardship-disbursement-detail", args=[1])).func
    # then only reads are routed (and the disbursement list still takes a POST)
    routed = [set(v.actions) - {"head"} for v in (coverage, application, disbursement)]
    assert routed == [{"get"}, {"get"}, {"get"}]
    disbursements = resolve(reverse("api:hardship-disbursement-list")).func
    assert set(disbursements.actions) - {"head"} == {"get", "post"}


def test_a_method_not_offered_is_405_on_own_record_and_404_outside(county_user, api_client):
    from apps.unions.tests.factories import GrassrootsUnionFactory, JoinApplicationFactory

    own = JoinApplicationFactory()
    other = JoinApplicationFactory(union=GrassrootsUnionFactory(region=region("620103")))
    c = api_client(county_user)

    own_resp = c.delete(reverse("api:joinapplication-detail", args=[own.pk]))
    other_resp = c.delete(reverse("api:joinapplication-detail", args=[other.pk]))

    assert (own_resp.status_code, other_resp.status_code) == (405, 404)
    assert "DELETE" not in own_resp["Allow"]
    assert own_resp["Allow"].startswith("GET")


@pytest.mark.django_db
def test_an_api_request_leaves_the_audit_context_as_it_found_it(county_user, monkeypatch):
    # given no request middleware around the view, the default context
    before = audit.current_context()
    seen = []
    original = ScopedViewSetMixin.scoped_queryset

    def spy(self, action):
        seen.append(audit.current_context())
        return original(self, action)

    monkeypatch.setattr(ScopedViewSetMixin, "scoped_queryset", spy)
    request = APIRequestFactory().get(reverse("api:region-list"))
    force_authenticate(request, user=county_user)

    # when the view runs
    response = resolve(reverse("api:region-list")).func(request)

    # then it worked in the API's context of that user, and left the one it found
    assert response.status_code == 200
    assert [(ctx.user, ctx.source) for ctx in seen] == [(county_user, AuditSource.API)]
    assert audit.current_context() == before


@pytest.mark.django_db
def test_reads_come_from_the_pages_selector(county_user, monkeypatch):
    """The API reads a model through the selector its pages use (one read path)."""
    from apps.unions import selectors

    calls = []
    real = selectors.contract_list

    def recording(*, user, action):
        calls.append((user, action))
        return real(user=user, action=action)

    view_cls = resolve(reverse("api:contract-list")).func.cls
    monkeypatch.setattr(view_cls, "selector", staticmethod(recording))
    request = APIRequestFactory().get(reverse("api:contract-list"))
    force_authenticate(request, user=county_user)

    response = resolve(reverse("api:contract-list")).func(request)

    assert response.status_code == 200
    assert calls == [(county_user, "view")]


def test_code_or_id_filter_takes_a_code_an_id_or_a_short_number():
    assert str(code_or_id_q("union", " id:42 ")) == str(code_or_id_q("union", "id:42"))
    assert code_or_id_q("union", "id:42").children == [("union_id", 42)]
    assert code_or_id_q("competition", "ab-1").children == [("competition__code", "AB-1")]
    short = code_or_id_q("union", "123")
    assert (short.connector, short.children) == ("OR", [("union_id", 123), ("union__code", "123")])
