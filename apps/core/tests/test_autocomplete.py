"""The pickers of the code inputs (apps.core.autocomplete): the look-up is for signed-in users,
answers only from what the user may pick, by part of a name or the start of a code, at most
20 records with the exact code first, in a few LIMIT queries and no COUNT even over the
province's 37,878 unions; the code fields of the forms and the admin's foreign keys offer it."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext

from apps.core import autocomplete
from apps.core.admin_base import PickerRawIdWidget
from apps.core.choices import Role
from apps.core.forms import CodeField
from apps.unions.forms import ContractForm, MemberForm, MemberTransferForm, UnionForm
from apps.unions.models import CollectiveContract, GrassrootsUnion, JoinApplication
from apps.unions.tests.factories import ContractFactory, GrassrootsUnionFactory

from .factories import UserFactory, region

pytestmark = pytest.mark.django_db

UNIONS = "/autocomplete/union/"


def codes(resp) -> list[str]:
    assert resp.status_code == 200, resp.content
    assert resp["Content-Type"] == "application/json"
    return [row["code"] for row in resp.json()["results"]]


@pytest.fixture
def unions(db):
    """Two unions whose names share 石化 in the user's county (620102), one in the next county."""
    return {
        "own": GrassrootsUnionFactory(code="81620102A1", name="兰州石化公司工会", region=region("620102")),
        "own2": GrassrootsUnionFactory(code="81620102B7", name="城关石化加油站工会", region=region("620102")),
        "other": GrassrootsUnionFactory(code="81620103C3", name="七里河石化工会", region=region("620103")),
    }


# The look-up --------------------------------------------------------------------------------


def test_the_route_is_the_one_the_inputs_name():
    assert reverse("autocomplete", kwargs={"kind": "union"}) == UNIONS


def test_anonymous_is_sent_to_login_and_gets_no_records(client, unions):
    resp = client.get(UNIONS, {"q": "石化"})
    assert resp.status_code == 302
    assert resp["Location"].startswith(reverse("login"))
    assert "石化" not in resp.content.decode()


def test_part_of_a_name_finds_only_the_unions_in_scope(client, county_user, unions):
    client.force_login(county_user)
    found = codes(client.get(UNIONS, {"q": "石化", "purpose": "change"}))
    assert sorted(found) == ["81620102A1", "81620102B7"]  # not 七里河's 81620103C3
    rows = client.get(UNIONS, {"q": "加油"}).json()["results"]
    assert rows == [
        {"code": "81620102B7", "label": "城关石化加油站工会（81620102B7）", "id": unions["own2"].pk}
    ]


def test_another_county_s_union_is_not_found_by_its_name_nor_its_code(client, county_user, unions):
    client.force_login(county_user)
    for term in ("七里河", "81620103C3", "81620103", "81620103c3"):
        for purpose in ("view", "change"):
            assert codes(client.get(UNIONS, {"q": term, "purpose": purpose})) == []
    # its own staff find it
    client.force_login(UserFactory(role=Role.COUNTY, region=region("620103")))
    assert codes(client.get(UNIONS, {"q": "七里河"})) == ["81620103C3"]


def test_code_prefix_in_any_case_and_the_exact_code_first(client, county_user):
    for code, name in (
        ("81620102X10", "甲工会"),
        ("81620102X1", "乙工会"),
        ("81620102X2", "丙工会"),
        ("81620102Y9", "名字含81620102X1的工会"),
    ):
        GrassrootsUnionFactory(code=code, name=name, region=region("620102"))
    client.force_login(county_user)
    # the exact code, then the codes that start with it, then the names that contain it
    assert codes(client.get(UNIONS, {"q": "81620102x1"})) == ["81620102X1", "81620102X10", "81620102Y9"]
    assert codes(client.get(UNIONS, {"q": " 81620102X "})) == [
        "81620102X1",
        "81620102X10",
        "81620102X2",
        "81620102Y9",
    ]


def test_names_that_start_with_the_term_come_before_names_that_contain_it(client, county_user):
    GrassrootsUnionFactory(code="A3", name="某某银行工会", region=region("620102"))
    GrassrootsUnionFactory(code="A2", name="银行业联合工会", region=region("620102"))
    client.force_login(county_user)
    assert codes(client.get(UNIONS, {"q": "银行"})) == ["A2", "A3"]


def test_at_most_twenty_suggestions(client, county_user):
    GrassrootsUnion.objects.bulk_create(
        GrassrootsUnion(
            code=f"GX{i:03d}",
            name=f"供销社工会{i}",
            kind="enterprise",
            region=region("620102"),
            founded_on="2010-01-01",
        )
        for i in range(30)
    )
    client.force_login(county_user)
    found = codes(client.get(UNIONS, {"q": "供销"}))
    by_name = sorted(range(30), key=lambda i: f"供销社工会{i}")
    assert found == [f"GX{i:03d}" for i in by_name[:20]]


def test_the_purpose_never_reaches_beyond_what_the_user_may_do(client, prefecture_user, unions):
    client.force_login(prefecture_user)
    # prefecture staff see Lanzhou's unions but change none (core DEFAULT_RULES)
    assert sorted(codes(client.get(UNIONS, {"q": "石化", "purpose": "view"}))) == [
        "81620102A1",
        "81620102B7",
        "81620103C3",
    ]
    assert codes(client.get(UNIONS, {"q": "石化", "purpose": "change"})) == []
    resp = client.get(UNIONS, {"q": "石化", "purpose": "everything"})
    assert resp.status_code == 400
    assert resp.json()["results"] == []


def test_an_unknown_kind_is_404(client, county_user):
    client.force_login(county_user)
    assert client.get("/autocomplete/member/", {"q": "张"}).status_code == 404
    assert client.get("/autocomplete/nothing/", {"q": "张"}).status_code == 404


def test_an_empty_term_answers_nothing(client, county_user, unions):
    client.force_login(county_user)
    assert codes(client.get(UNIONS, {"q": "   "})) == []
    assert codes(client.get(UNIONS)) == []


def test_regions_are_picked_within_the_user_s_subtree(client, county_user):
    client.force_login(county_user)
    assert codes(client.get("/autocomplete/region/", {"q": "城关区"})) == ["620102"]
    assert codes(client.get("/autocomplete/region/", {"q": "七里河"})) == []
    assert codes(client.get("/autocomplete/region/", {"q": "620103"})) == []
    # write forms ask with purpose=change: still the subtree (each form narrows it)
    assert codes(client.get("/autocomplete/region/", {"q": "620102", "purpose": "change"})) == ["620102"]


def test_the_domains_kinds_are_declared_by_their_code_fields():
    union = autocomplete.get("union")
    assert union.model is GrassrootsUnion and union.search == ("name",) and union.upper
    assert autocomplete.get("region").upper is False
    assert {"competition", "plan"} <= set(autocomplete._kinds)
    assert autocomplete.for_model(GrassrootsUnion) is union
    with pytest.raises(LookupError, match="No picker kind 'member'"):
        autocomplete.get("member")


def test_a_kind_is_declared_once():
    with pytest.raises(ImproperlyConfigured, match="The picker kind 'union' is declared twice"):

        class AnotherUnionField(CodeField):  # noqa: F841 - declaring it is the test
            model = GrassrootsUnion
            kind_name = "union"


# Cheap at the province's scale -------------------------------------------------------------


def _lookup_queries(user, term: str, purpose: str = "change") -> tuple[list[str], list[dict]]:
    with CaptureQueriesContext(connection) as ctx:
        found = autocomplete.search(autocomplete.get("union"), user=user, term=term, purpose=purpose)
    # the user's subtree is looked up once per request (scoping); these are the look-up's own
    return [q["sql"] for q in ctx.captured_queries if "unions_grassrootsunion" in q["sql"]], found


def test_a_look_up_over_40000_unions_is_a_few_limited_queries(county_user, province_user):
    # given the province's scale: 40,000 unions, a few hundred of them in the user's county
    counties = ["620102", "620103", "620104", "620105", "620111", "620121", "620122", "620123"]
    regions = [region(code) for code in counties]
    GrassrootsUnion.objects.bulk_create(
        (
            GrassrootsUnion(
                code=f"81{i:08d}",
                name=f"第{i}号企业工会",
                kind="enterprise",
                region=regions[i % len(regions)],
                founded_on="2010-01-01",
            )
            for i in range(40_000)
        ),
        batch_size=5_000,
    )
    for user, term, purpose in (
        (county_user, "企业", "change"),
        (county_user, "8100001", "change"),
        (province_user, "第3999", "view"),  # the whole province
    ):
        sql, found = _lookup_queries(user, term, purpose)
        # then: at most one query per step, each with a LIMIT, never a COUNT
        assert 1 <= len(sql) <= 3, sql
        assert all(re.search(r"LIMIT 20\b", q) for q in sql), sql
        assert not any("COUNT(" in q.upper() for q in sql), sql
        assert 0 < len(found) <= 20
    assert _lookup_queries(county_user, "8100000016")[1][0]["code"] == "8100000016"  # 620102: every 8th
    sql, found = _lookup_queries(county_user, "81000")
    assert len(sql) == 1 and len(found) == 20  # enough codes start with it: no name step
    if connection.vendor == "postgresql":
        qs = GrassrootsUnion.objects.filter(code__startswith="8100001").order_by("code")[:20]
        plan = qs.explain()
        assert "Index" in plan and "Seq Scan" not in plan, plan


# The form fields ------------------------------------------------------------------------------


def test_a_union_code_field_renders_the_picker_and_still_types_a_code(county_user, unions):
    form = MemberForm(user=county_user)
    html = str(form["union"])
    assert 'data-autocomplete="/autocomplete/union/?purpose=change"' in html
    assert 'autocomplete="off"' in html
    assert f'data-autocomplete-none="{gettext("Nothing found in your scope.")}"' in html
    # nothing changed in the validation: a code, checked in the change scope
    bound = MemberForm({"union": "81620103C3"}, user=county_user)
    bound.is_valid()
    assert bound.errors["union"] == [
        gettext("No union with code %(code)s in your scope.") % {"code": "81620103C3"}
    ]
    bound = ContractForm({"union": "81620102a1"}, user=county_user)
    bound.is_valid()
    assert bound.cleaned_data["union"] == unions["own"]


def test_fields_that_take_any_visible_record_ask_with_purpose_view(county_user):
    assert "/autocomplete/union/?purpose=view" in str(UnionForm(user=county_user)["parent"])
    assert "/autocomplete/union/?purpose=view" in str(MemberTransferForm(user=county_user)["to_union"])
    assert 'data-autocomplete="/autocomplete/region/?purpose=view"' in str(
        UnionForm(user=county_user)["region"]
    )


def test_the_member_page_offers_the_picker(client, county_user):
    client.force_login(county_user)
    resp = client.get(reverse("unions:member-create"))
    assert resp.status_code == 200
    assert re.search(
        r'<input[^>]*name="union"[^>]*data-autocomplete="/autocomplete/union/\?purpose=change"',
        resp.content.decode(),
    )


# The admin --------------------------------------------------------------------------------


@pytest.fixture
def contract(unions):
    return ContractFactory(number="HT-AC-1", union=unions["own"])


def test_the_admin_change_form_offers_the_picker_on_the_union_s_raw_id_input(client, admin_user, contract):
    client.force_login(admin_user)
    url = reverse("admin:unions_collectivecontract_change", args=[contract.pk])
    resp = client.get(url)
    assert resp.status_code == 200
    page = resp.content.decode()
    field = re.search(r'<input[^>]*name="union"[^>]*>', page).group(0)
    assert f'value="{contract.union.pk}"' in field  # the id the raw-id input holds, as before
    assert 'data-autocomplete="/autocomplete/union/?purpose=change"' in field
    assert 'data-autocomplete-fill="id"' in field
    assert 'data-autocomplete-label="兰州石化公司工会（81620102A1）"' in field
    assert "/static/js/autocomplete.js" in page and "/static/css/autocomplete.css" in page
    assert 'class="related-lookup"' in page  # the scoped lookup window stays


def test_the_admin_saves_the_union_the_picker_filled_in(client, admin_user, contract, unions):
    client.force_login(admin_user)
    # the picker answers the administrator with the record's id, which it puts in the input
    rows = client.get(UNIONS, {"q": "七里河", "purpose": "change"}).json()["results"]
    assert rows == [{"code": "81620103C3", "label": "七里河石化工会（81620103C3）", "id": unions["other"].pk}]
    url = reverse("admin:unions_collectivecontract_change", args=[contract.pk])
    data = {
        "number": contract.number,
        "union": str(rows[0]["id"]),
        "kind": contract.kind,
        "signed_on": "2024-01-01",
        "expires_on": "2026-12-31",
        "covered_enterprises": "1",
        "covered_workers": "120",
    }
    resp = client.post(url, data)
    assert resp.status_code == 302
    contract.refresh_from_db()
    assert contract.union == unions["other"]


def test_the_admin_picker_stays_scoped(rf, county_user, contract, unions):
    # behind the admin's door (administrators only) the ModelAdmin still scopes its choices
    model_admin = admin.site._registry[CollectiveContract]
    request = rf.get("/admin/")
    request.user = county_user
    form_class = model_admin.get_form(request, None)
    field = form_class.base_fields["union"]
    assert isinstance(field.widget, PickerRawIdWidget)
    assert set(field.queryset) == {unions["own"], unions["own2"]}
    form = form_class(
        {
            "number": "HT-AC-2",
            "union": str(unions["other"].pk),
            "kind": contract.kind,
            "signed_on": "2024-01-01",
            "expires_on": "2026-12-31",
            "covered_enterprises": "1",
            "covered_workers": "1",
        }
    )
    assert not form.is_valid()
    assert list(form.errors) == ["union"]
    assert CollectiveContract.objects.filter(number="HT-AC-2").count() == 0
    # and the picker the input asks answers this user with their county's unions only
    found = autocomplete.search(autocomplete.get("union"), user=county_user, term="石化", purpose="change")
    assert sorted(row["code"] for row in found) == ["81620102A1", "81620102B7"]


def test_a_raw_id_input_to_a_model_without_a_picker_is_left_as_it_was(rf, admin_user):
    # a member is not typed by a code: the online application's member stays Django's raw id
    model_admin = admin.site._registry[JoinApplication]
    request = rf.get("/admin/")
    request.user = admin_user
    member = model_admin.formfield_for_foreignkey(JoinApplication._meta.get_field("member"), request)
    union = model_admin.formfield_for_foreignkey(JoinApplication._meta.get_field("union"), request)
    assert type(member.widget) is ForeignKeyRawIdWidget
    assert type(union.widget) is PickerRawIdWidget and union.widget.kind == "union"
