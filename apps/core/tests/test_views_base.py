"""The core page mechanisms every domain's pages are built from: the routes of crud_urls, the
generic templates, the defaults a view derives from its model (add and edit buttons, where a
save and Cancel lead), messages naming the record, and the code-typed form fields."""

from __future__ import annotations

import types
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from apps.competitions.tests.factories import CompetitionFactory
from apps.core.choices import Role
from apps.core.forms import RegionCodeField, ServiceForm
from apps.core.models import Region
from apps.core.tests.factories import UserFactory, region
from apps.core.views_base import (
    CRUD_ROUTES,
    RecordFields,
    ScopedDetailView,
    ScopedListView,
    ServiceFormView,
    crud_urls,
)
from apps.insurance.tests.factories import EnrollmentFactory
from apps.unions.forms import UnionCodeField
from apps.unions.models import GrassrootsUnion
from apps.unions.tests.factories import GrassrootsUnionFactory

OWN = "620102"


# Routes ------------------------------------------------------------------------------------


def _view(name):
    return type(name, (ScopedDetailView,), {})


def test_crud_urls_names_and_routes_every_action_by_the_convention():
    # given: a views module with the four pages of a model and a step on its records
    views = types.SimpleNamespace(
        **{
            f"Claim{kind}": _view(f"Claim{kind}")
            for kind in ("ListView", "CreateView", "DetailView", "UpdateView")
        },
        ClaimPayView=_view("ClaimPayView"),
    )
    # when
    routes = crud_urls(views, "Claim", "claims/", actions=(*CRUD_ROUTES, "pay"))
    # then
    assert [(str(r.pattern), r.name, r.callback.view_class.__name__) for r in routes] == [
        ("claims/", "claim-list", "ClaimListView"),
        ("claims/new/", "claim-create", "ClaimCreateView"),
        ("claims/<int:pk>/", "claim-detail", "ClaimDetailView"),
        ("claims/<int:pk>/edit/", "claim-update", "ClaimUpdateView"),
        ("claims/<int:pk>/pay/", "claim-pay", "ClaimPayView"),
    ]


def test_crud_urls_refuses_an_action_whose_view_is_missing():
    views = types.SimpleNamespace(TalkListView=_view("TalkListView"))
    with pytest.raises(AttributeError, match="TalkDetailView"):
        crud_urls(views, "Talk", "talks/", actions=("list", "detail"))


# Generic templates ---------------------------------------------------------------------------

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Pages of their own kind: the dashboard and a report's progress page.
OWN_KIND = {"reports/report_detail.html"}


def _page_views():
    def walk(patterns):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns)
            elif isinstance(p, URLPattern) and hasattr(p.callback, "view_class"):
                yield p.callback.view_class

    return set(walk(get_resolver().url_patterns))


@pytest.mark.parametrize(
    ("base", "generic"),
    [(ScopedListView, "generic/list.html"), (ScopedDetailView, "generic/detail.html")],
)
def test_every_list_and_detail_page_extends_the_generic_template(base, generic):
    checked = []
    for view in _page_views():
        if not issubclass(view, base) or view.__name__ == "ReportDownloadView":
            continue
        opts = view.model._meta
        kind = "list" if base is ScopedListView else "detail"
        name = view.template_name or f"{opts.app_label}/{opts.model_name}_{kind}.html"
        if name in OWN_KIND:
            continue
        source = (TEMPLATES / name).read_text(encoding="utf-8")
        assert source.startswith(f'{{% extends "{generic}" %}}'), name
        checked.append(name)
    assert len(checked) >= (20 if base is ScopedListView else 16)


def test_every_form_page_renders_the_generic_form_or_extends_it():
    checked = []
    for view in _page_views():
        if not issubclass(view, ServiceFormView):
            continue
        name = view.template_name
        if name != "generic/form.html":
            source = (TEMPLATES / name).read_text(encoding="utf-8")
            assert source.startswith('{% extends "generic/form.html" %}'), name
        checked.append(view.__name__)
    assert len(checked) >= 40


# What a page derives from its model ----------------------------------------------------------


@pytest.mark.django_db
def test_list_offers_add_and_import_buttons_only_with_the_add_permission(client):
    county = UserFactory(role=Role.COUNTY, region=region(OWN))
    prefecture = UserFactory(role=Role.PREFECTURE, region=region("620100"))
    url = reverse("competitions:competition-list")
    add = f'href="{reverse("competitions:competition-create")}"'
    imports = f'href="{reverse("import-start")}?resource=competitions"'
    export = f'href="{reverse("export-records", args=["competitions"])}"'

    client.force_login(county)
    page = client.get(url).content.decode()
    assert add in page and imports in page and export in page

    client.force_login(prefecture)
    page = client.get(url).content.decode()
    assert add not in page and imports not in page
    assert export in page


@pytest.mark.django_db
def test_detail_offers_edit_only_where_the_model_has_an_edit_page(client):
    county = UserFactory(role=Role.COUNTY, region=region(OWN))
    client.force_login(county)
    competition = CompetitionFactory(organizer_region=region(OWN))
    page = client.get(reverse("competitions:competition-detail", args=[competition.pk])).content.decode()
    assert f'href="{reverse("competitions:competition-update", args=[competition.pk])}"' in page

    enrollment = EnrollmentFactory(union=GrassrootsUnionFactory(region=region(OWN)))
    resp = client.get(reverse("insurance:enrollment-detail", args=[enrollment.pk]))
    assert resp.status_code == 200
    assert resp.context["edit_url"] == ""


@pytest.mark.django_db
def test_cancel_leads_back_to_the_referring_page_else_to_the_model_list(client):
    county = UserFactory(role=Role.COUNTY, region=region(OWN))
    client.force_login(county)
    url = reverse("model_workers:talk-create")
    assert client.get(url).context["cancel_url"] == reverse("model_workers:talk-list")
    assert client.get(url, HTTP_REFERER="/model-workers/").context["cancel_url"] == "/model-workers/"


@pytest.mark.django_db
def test_a_save_leads_to_the_record_and_its_message_names_it(client):
    # given
    county = UserFactory(role=Role.COUNTY, region=region(OWN))
    client.force_login(county)
    union = GrassrootsUnionFactory(region=region(OWN))
    # when
    resp = client.post(
        reverse("unions:contract-create"),
        {
            "number": "HT-2024-0001",
            "union": union.code,
            "kind": "general",
            "signed_on": "2024-01-01",
            "expires_on": "2026-12-31",
            "covered_enterprises": 1,
            "covered_workers": 30,
        },
        follow=True,
    )
    # then
    contract = union.contracts.get()
    assert resp.redirect_chain == [(reverse("unions:contract-detail", args=[contract.pk]), 302)]
    assert [str(m) for m in resp.context["messages"]] == ["已新增合同HT-2024-0001。"]


@pytest.mark.django_db
def test_an_edit_page_title_names_the_record(client):
    county = UserFactory(role=Role.COUNTY, region=region(OWN))
    client.force_login(county)
    competition = CompetitionFactory(organizer_region=region(OWN), name="职工技能大赛")
    resp = client.get(reverse("competitions:competition-update", args=[competition.pk]))
    assert resp.context["title"] == "编辑劳动竞赛“职工技能大赛”"


def test_record_fields_fill_a_message_from_the_record_and_refuse_unknown_names():
    # the messages are gettext %-formats, as the translations have them
    record = types.SimpleNamespace(number="GH-7", name="城关工会")
    assert "Talk %(number)s added." % RecordFields(record) == "Talk GH-7 added."  # noqa: UP031
    with pytest.raises(KeyError, match="year"):
        _ = "%(year)s" % RecordFields(record)  # noqa: UP031


@pytest.mark.django_db
def test_township_page_refuses_an_empty_form_with_the_missing_fields(client):
    admin = UserFactory(role=Role.ADMIN, region=region("620000"), is_superuser=True)
    client.force_login(admin)
    resp = client.post(reverse("township-create"), {})
    assert resp.status_code == 200
    assert set(resp.context["form"].errors) == {"parent", "code", "name"}
    assert not Region.objects.filter(level="township").exists()


# Forms ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_code_field_finds_the_record_in_its_queryset_whatever_the_case():
    union = GrassrootsUnionFactory(region=region(OWN))
    field = UnionCodeField()
    field.queryset = GrassrootsUnion.objects.filter(region__code=OWN)
    assert field.clean(f" {union.code.lower()} ") == union
    with pytest.raises(forms.ValidationError, match="没有编码为 GH999 的工会") as refused:
        field.clean("GH999")
    assert refused.value.code == "union_scope"


@pytest.mark.django_db
def test_a_code_field_finds_nothing_until_the_form_narrows_its_queryset():
    GrassrootsUnionFactory(region=region(OWN), code="GH620102999999")
    with pytest.raises(forms.ValidationError, match="没有编码为 GH620102999999 的工会"):
        UnionCodeField().clean("GH620102999999")
    regions = RegionCodeField()
    regions.queryset = Region.objects.filter(code=OWN)
    assert regions.clean(OWN) == region(OWN)


@pytest.mark.django_db
def test_service_form_initial_values_type_related_records_by_their_code():
    class UnionForm(ServiceForm):
        initial_fields = ("name",)
        initial_codes = ("region", "parent")

    union = GrassrootsUnionFactory(region=region(OWN), name="城关区总工会")
    assert UnionForm.initial_for(union) == {"name": "城关区总工会", "region": OWN, "parent": ""}
