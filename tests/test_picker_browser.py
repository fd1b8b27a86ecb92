"""Issue 13 acceptance, in real headless Chromium against the live server: a union picker finds a
union by part of its name. A county user types part of a union's name in the union input of the
member registration form, picks the union with the keyboard, the input holds the union's code
and the form saves; another county's union with the same words is never offered. The admin's
raw-id input offers the same picker and fills in the union's id. Screenshots in /tmp."""

from __future__ import annotations

import shutil

import pytest
from django.conf import settings
from django.urls import reverse

from apps.core.tests.factories import PASSWORD, make_resident_id, region
from apps.unions.models import CollectiveContract, Member
from apps.unions.tests.factories import ContractFactory, GrassrootsUnionFactory

CHROMIUM = "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="Chromium is not installed"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def browser(chromium):
    return chromium  # conftest.py


def _signed_in(browser, live_server, user, client=None):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    if client is None:
        page.goto(live_server.url + reverse("login"))
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button.primary[type=submit]")
        page.wait_for_selector("[data-testid=user-region]")
    else:  # the admin has its own login: share a session made by the test client
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
        )
    return page, errors


def test_a_union_picker_finds_a_union_by_part_of_its_name(browser, live_server, county_user):
    # given two unions of the user's county and one of the next county, sharing words
    wanted = GrassrootsUnionFactory(
        code="81620102MA7", name="兰州石化分公司炼油厂工会", region=county_user.region
    )
    GrassrootsUnionFactory(code="81620102MB2", name="兰州石化分公司化肥厂工会", region=county_user.region)
    GrassrootsUnionFactory(code="81620103MC9", name="七里河石化分公司工会", region=region("620103"))
    page, errors = _signed_in(browser, live_server, county_user)
    page.goto(live_server.url + reverse("unions:member-create"))
    union = page.locator("input[name=union]")
    assert union.get_attribute("role") == "combobox"
    assert union.get_attribute("aria-expanded") == "false"

    listbox = page.locator("#" + union.get_attribute("aria-controls"))
    options = listbox.locator("[role=option]")
    # Escape closes an open list without choosing
    union.click()
    union.press_sequentially("化肥", delay=30)
    options.first.wait_for()
    union.press("Escape")
    assert listbox.is_hidden() and union.input_value() == "化肥"

    # when the user types part of the name
    union.fill("")
    union.press_sequentially("石化分公司", delay=30)
    page.wait_for_function(
        "n => document.querySelectorAll('#' + n + ' [role=option]').length === 2 && "
        "!document.getElementById(n).hidden",
        arg=union.get_attribute("aria-controls"),
    )
    assert union.get_attribute("aria-expanded") == "true"
    assert listbox.get_attribute("role") == "listbox"
    # then only the county's unions are offered, as name（code）
    assert sorted(options.all_inner_texts()) == [
        "兰州石化分公司化肥厂工会（81620102MB2）",
        "兰州石化分公司炼油厂工会（81620102MA7）",
    ]
    page.screenshot(path="/tmp/picker-open.png", full_page=True)

    # when the user goes down to the refinery's union and presses Enter
    target = options.all_inner_texts().index("兰州石化分公司炼油厂工会（81620102MA7）")
    for _ in range(target + 1):
        union.press("ArrowDown")
    active = union.get_attribute("aria-activedescendant")
    assert page.locator(f"#{active}").inner_text() == "兰州石化分公司炼油厂工会（81620102MA7）"
    assert page.locator(f"#{active}").get_attribute("aria-selected") == "true"
    union.press("Enter")

    # then the input holds its code, the list is closed, the form was not sent yet
    assert union.input_value() == "81620102MA7"
    assert union.get_attribute("aria-expanded") == "false"
    assert listbox.is_hidden()
    assert page.url.endswith(reverse("unions:member-create"))
    hint = page.locator("#" + union.get_attribute("id") + "-picker-hint")
    assert hint.inner_text() == "兰州石化分公司炼油厂工会（81620102MA7）"

    # and the form saves with that union
    page.fill("input[name=name]", "选择器测试")
    page.fill("input[name=id_number]", make_resident_id("620102"))
    page.fill("input[name=joined_on]", "2024-03-01")
    page.select_option("select[name=household_type]", "urban")
    page.select_option("select[name=join_channel]", "offline")
    page.click("form button.primary[type=submit]")
    page.wait_for_url(lambda url: "/new/" not in url)
    member = Member.objects.get(name="选择器测试")
    assert member.union == wanted
    assert errors == []


def test_the_admin_raw_id_input_offers_the_same_picker(browser, live_server, admin_user, client):
    contract = ContractFactory(
        number="HT-PICK-1", union=GrassrootsUnionFactory(code="81620102Q1", name="甲厂工会")
    )
    other = GrassrootsUnionFactory(code="81623001Q2", name="合作市乙厂工会", region=region("623001"))
    page, errors = _signed_in(browser, live_server, admin_user, client)
    page.goto(live_server.url + reverse("admin:unions_collectivecontract_change", args=[contract.pk]))
    union = page.locator("input[name=union]")
    hint = page.locator("#id_union-picker-hint")
    assert hint.inner_text() == "甲厂工会（81620102Q1）"
    union.fill("")
    union.press_sequentially("乙厂", delay=30)
    page.locator("#id_union-listbox [role=option]").first.wait_for()
    union.press("ArrowDown")
    union.press("Enter")
    assert union.input_value() == str(other.pk)  # the raw-id input holds the id
    assert hint.inner_text() == "合作市乙厂工会（81623001Q2）"
    page.screenshot(path="/tmp/picker-admin.png", full_page=True)
    page.click("input[name=_save]")
    page.wait_for_url(lambda url: url.endswith(reverse("admin:unions_collectivecontract_changelist")))
    assert CollectiveContract.objects.get(pk=contract.pk).union == other
    assert errors == []
