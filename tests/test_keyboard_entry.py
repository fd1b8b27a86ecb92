"""Keyboard-friendly entry on the three most frequent forms (member registration, aid payment,
claim): "Save and add another" saves and opens an empty form with the same union (member),
household (payment) or plan and unit (claim); the cursor starts in the first field not filled
in beforehand; no positive tabindex. In real Chromium, the member form is filled twice in a
row with the keyboard only, and a form shown with errors starts at the first field to correct."""

from __future__ import annotations

import re
import shutil
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from apps.core.tests.factories import PASSWORD, make_resident_id, region
from apps.hardship.models import Disbursement
from apps.hardship.tests.factories import FiledHouseholdFactory
from apps.insurance.models import Claim
from apps.insurance.tests.factories import CoverageFactory
from apps.unions.models import Member
from apps.unions.tests.factories import GrassrootsUnionFactory

CHROMIUM = "/usr/bin/chromium"
AUTOFOCUS = re.compile(r"<(?:input|select|textarea)[^>]*\bautofocus\b[^>]*>")
POSITIVE_TABINDEX = re.compile(r'tabindex="[1-9]')


def _member(union_code: str, id_number: str, name: str = "键盘会员") -> dict[str, str]:
    return {
        "union": union_code,
        "name": name,
        "id_number": id_number,
        "household_type": "urban",
        "joined_on": "2024-02-01",
        "join_channel": "offline",
    }


def _autofocused(html: str) -> list[str]:
    """The names of the fields that carry autofocus."""
    return [re.search(r'name="([^"]+)"', tag).group(1) for tag in AUTOFOCUS.findall(html)]


# Member registration ----------------------------------------------------------------------


@pytest.mark.django_db
def test_member_save_and_add_another_keeps_the_union(client, county_user):
    # given
    union = GrassrootsUnionFactory(region=county_user.region)
    client.force_login(county_user)
    rid = make_resident_id()
    # when
    resp = client.post(reverse("unions:member-create"), {**_member(union.code, rid), "add_another": "1"})
    # then: saved, and back to an empty form of the same union, the cursor in the name
    member = Member.objects.get(id_number=rid)
    assert member.union == union
    assert (resp.status_code, resp["Location"]) == (
        302,
        f"{reverse('unions:member-create')}?{urlencode({'union': union.code})}",
    )
    page = client.get(resp["Location"])
    form = page.context["form"]
    assert form["union"].value() == union.code
    assert form["name"].value() is None
    assert _autofocused(page.content.decode()) == ["name"]
    assert "已登记会员键盘会员。" in page.content.decode()  # what was saved is said on the next form


@pytest.mark.django_db
def test_member_save_without_add_another_goes_to_the_member(client, county_user):
    union = GrassrootsUnionFactory(region=county_user.region)
    client.force_login(county_user)
    resp = client.post(reverse("unions:member-create"), _member(union.code, make_resident_id()))
    member = Member.objects.get(union=union)
    assert (resp.status_code, resp["Location"]) == (302, reverse("unions:member-detail", args=[member.pk]))


@pytest.mark.django_db
def test_member_add_another_into_another_county_saves_nothing(client, county_user):
    union = GrassrootsUnionFactory(region=region("620103"))
    client.force_login(county_user)
    resp = client.post(
        reverse("unions:member-create"), {**_member(union.code, make_resident_id()), "add_another": "1"}
    )
    assert resp.status_code == 200
    assert f"您的范围内没有编码为 {union.code} 的工会。" in resp.content.decode()
    assert Member.objects.count() == 0


@pytest.mark.django_db
def test_member_form_starts_in_the_union_field_and_offers_add_another(client, county_user):
    client.force_login(county_user)
    html = client.get(reverse("unions:member-create")).content.decode()
    assert _autofocused(html) == ["union"]
    assert 'name="add_another"' in html
    assert not POSITIVE_TABINDEX.search(html)
    # Enter in a field submits with the form's first button: Save, then "Save and add another"
    form = html[html.index('method="post" novalidate') :]
    buttons = re.findall(r'<button type="submit"[^>]*>', form[: form.index("</form>")])
    assert buttons == [
        '<button type="submit" class="primary">',
        '<button type="submit" name="add_another" value="1" data-testid="add-another">',
    ]


# Aid payments -----------------------------------------------------------------------------


def _payment(**kw) -> dict[str, str]:
    return {"kind": "living", "amount": "500.00", "paid_on": "2024-09-01", "fund_source": "工会经费", **kw}


@pytest.mark.django_db
def test_payment_save_and_add_another_stays_with_the_household(client, county_user):
    household = FiledHouseholdFactory()
    url = reverse("hardship:disbursement-create", args=[household.pk])
    client.force_login(county_user)
    resp = client.post(url, {**_payment(), "add_another": "1"})
    assert (resp.status_code, resp["Location"]) == (302, url)
    assert list(Disbursement.objects.filter(household=household).values_list("amount", flat=True)) == [500]
    page = client.get(url)
    assert page.context["object"] == household
    assert page.context["form"]["amount"].value() is None
    assert _autofocused(page.content.decode()) == ["kind"]
    assert not POSITIVE_TABINDEX.search(page.content.decode())


@pytest.mark.django_db
def test_payment_save_goes_to_the_household(client, county_user):
    household = FiledHouseholdFactory()
    client.force_login(county_user)
    resp = client.post(reverse("hardship:disbursement-create", args=[household.pk]), _payment())
    assert resp["Location"] == reverse("hardship:household-detail", args=[household.pk])


@pytest.mark.django_db
def test_payment_add_another_to_another_countys_household_is_404(client, other_county_user):
    household = FiledHouseholdFactory()
    client.force_login(other_county_user)
    resp = client.post(
        reverse("hardship:disbursement-create", args=[household.pk]), {**_payment(), "add_another": "1"}
    )
    assert resp.status_code == 404
    assert Disbursement.objects.count() == 0


# Claims -------------------------------------------------------------------------------------


def _claim(coverage, **kw) -> dict[str, str]:
    return {
        "plan": coverage.plan.code,
        "id_number": coverage.member.id_number,
        "admitted_on": "2024-05-01",
        "discharged_on": "2024-05-11",
        "total_expense": "20000.00",
        "basic_insurance_paid": "8000.00",
        **kw,
    }


@pytest.mark.django_db
def test_claim_save_and_add_another_keeps_plan_and_unit(client, county_user):
    coverage = CoverageFactory()
    client.force_login(county_user)
    resp = client.post(
        reverse("insurance:claim-create"), {**_claim(coverage, union=coverage.union.code), "add_another": "1"}
    )
    claim = Claim.objects.get()
    assert claim.coverage == coverage
    query = urlencode({"plan": coverage.plan.code, "union": coverage.union.code})
    assert (resp.status_code, resp["Location"]) == (302, f"{reverse('insurance:claim-create')}?{query}")
    page = client.get(resp["Location"])
    form = page.context["form"]
    assert (form["plan"].value(), form["union"].value(), form["id_number"].value()) == (
        coverage.plan.code,
        coverage.union.code,
        None,
    )
    assert _autofocused(page.content.decode()) == ["id_number"]


@pytest.mark.django_db
def test_claim_add_another_without_a_unit_keeps_the_members_unit(client, county_user):
    coverage = CoverageFactory()
    client.force_login(county_user)
    resp = client.post(reverse("insurance:claim-create"), {**_claim(coverage), "add_another": "1"})
    assert resp.status_code == 302
    assert resp["Location"].endswith(f"union={coverage.union.code}")
    assert Claim.objects.filter(coverage=coverage).count() == 1


@pytest.mark.django_db
def test_claim_of_a_member_outside_the_unit_given_is_refused(client, county_user):
    coverage = CoverageFactory()
    other_unit = GrassrootsUnionFactory(region=county_user.region)
    client.force_login(county_user)
    resp = client.post(
        reverse("insurance:claim-create"), {**_claim(coverage, union=other_unit.code), "add_another": "1"}
    )
    assert resp.status_code == 200
    assert resp.context["form"].errors["id_number"] == [
        f"单位 {other_unit.code} 中没有该身份证号的会员参加 {coverage.plan.code}。"
    ]
    assert Claim.objects.count() == 0


@pytest.mark.django_db
def test_claim_naming_another_countys_unit_is_refused(client, county_user):
    coverage = CoverageFactory()
    far_unit = GrassrootsUnionFactory(region=region("620103"))
    client.force_login(county_user)
    resp = client.post(reverse("insurance:claim-create"), _claim(coverage, union=far_unit.code))
    assert resp.status_code == 200
    assert resp.context["form"].errors["union"] == [f"您的范围内没有编码为 {far_unit.code} 的工会。"]
    assert Claim.objects.count() == 0


@pytest.mark.django_db
def test_claim_form_starts_in_the_plan(client, county_user):
    client.force_login(county_user)
    html = client.get(reverse("insurance:claim-create")).content.decode()
    assert _autofocused(html) == ["plan"]
    assert 'name="add_another"' in html
    assert not POSITIVE_TABINDEX.search(html)


# In the browser, with the keyboard only -----------------------------------------------------


browser = pytest.mark.browser
needs_chromium = pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="Chromium is not installed")
live = pytest.mark.django_db(transaction=True)


@pytest.fixture
def page(monkeypatch, live_server, county_user):
    """A Chromium page logged in as the county user."""
    pytest.importorskip("playwright")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-component-update"],
        )
        page = chromium.new_context(locale="zh-CN").new_page()
        page.set_default_timeout(20_000)
        page.goto(live_server.url + reverse("login"))
        page.fill("input[name=username]", county_user.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button.primary[type=submit]")
        page.wait_for_selector("[data-testid=user-region]")
        yield page
        chromium.close()


def _active(page) -> str:
    """The name of the focused field, or the text of the focused button."""
    return page.evaluate("document.activeElement.name || document.activeElement.textContent")


def _tab(page) -> str:
    """Tab to the next field (a date input has inner stops: its parts, its calendar button)."""
    before = _active(page)
    for _ in range(4):
        page.keyboard.press("Tab")
        if _active(page) != before:
            break
    return _active(page)


def _type_member(page, id_number: str, name: str) -> list[str]:
    """From the name field on: the member's required fields, each reached by Tab; returns the
    fields in the order they were visited."""
    order = [_active(page)]
    page.keyboard.type(name)
    # ID, 户籍 (a select: the first choice after the blank one), 入会日期 (typed in the order the
    # browser's date parts run, mm dd yyyy in this Chromium; 02-02 reads alike day first), 渠道
    for keys in (id_number, "ArrowDown", "02022024", "ArrowDown"):
        order.append(_tab(page))
        if keys == "ArrowDown":
            page.keyboard.press(keys)
        else:
            page.keyboard.type(keys)
    return order


@browser
@needs_chromium
@live
def test_a_form_shown_with_errors_starts_at_the_first_field_to_correct(page, live_server, county_user):
    union = GrassrootsUnionFactory(region=county_user.region)
    page.goto(f"{live_server.url}{reverse('unions:member-create')}?union={union.code}")
    assert _active(page) == "name"
    page.keyboard.type("只有姓名")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # Enter in a text field submits
    assert page.get_attribute("input[name=id_number]", "aria-invalid") == "true"
    assert _active(page) == "id_number"
    assert Member.objects.count() == 0


@browser
@needs_chromium
@live
def test_two_members_in_a_row_with_the_keyboard_only(page, live_server, county_user):
    union = GrassrootsUnionFactory(region=county_user.region)
    first_id, second_id = make_resident_id(), make_resident_id()

    # the first member: the cursor starts in the union code
    page.goto(live_server.url + reverse("unions:member-create"))
    assert _active(page) == "union"
    page.keyboard.type(union.code)
    _tab(page)
    order = _type_member(page, first_id, "键盘一号")
    assert order == ["name", "id_number", "household_type", "joined_on", "join_channel"]
    # on through the optional fields to "Save and add another" (Save comes first), then Enter
    visited = []
    while _active(page) != "add_another" and len(visited) < 12:
        visited.append(_tab(page))
    assert visited == ["ethnicity", "phone", "education", "key_group", "保存", "add_another"]
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # the next member starts with the same union, the cursor in the name
    assert page.url == f"{live_server.url}{reverse('unions:member-create')}?union={union.code}"
    assert page.input_value("input[name=union]") == union.code
    assert page.input_value("input[name=name]") == ""
    assert _active(page) == "name"
    _type_member(page, second_id, "键盘二号")
    _tab(page)
    assert _tab(page) == "phone"
    with page.expect_navigation():
        page.keyboard.press("Enter")  # Enter in a text field submits the form, with Save
    second = Member.objects.get(id_number=second_id)
    assert page.url == live_server.url + reverse("unions:member-detail", args=[second.pk])

    first = Member.objects.get(id_number=first_id)
    assert [
        (m.name, m.union_id, m.joined_on.isoformat(), m.household_type, m.join_channel)
        for m in (first, second)
    ] == [
        ("键盘一号", union.pk, "2024-02-02", "urban", "offline"),
        ("键盘二号", union.pk, "2024-02-02", "urban", "offline"),
    ]
