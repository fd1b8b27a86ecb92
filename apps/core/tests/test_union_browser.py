"""Issue 16 part 1's acceptance walk in headless Chromium (Playwright) against the live server: a
grassroots union user logs in, registers two members through the member form (the union picked
by part of its name) and attaches a photo of each paper application form to the change request;
nothing reaches the register. The county logs in, sees both pending, approves one and returns
the other with a reason; the union logs in again and sees both outcomes. Screenshots of the
union's list and the county's request page go to docs/screenshots/; the union's request page is
checked on a 390 px phone for horizontal overflow."""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from django.urls import reverse

from apps.core.choices import ChangeRequestStatus, Role
from apps.core.models import Attachment, ChangeRequest
from apps.core.tests.factories import PASSWORD, UserFactory, make_resident_id, region
from apps.unions.models import Member
from apps.unions.tests.factories import GrassrootsUnionFactory
from conftest import CHROMIUM, OWN_COUNTY

# docs/screenshots/ when asked (GONGHUI_SCREENSHOTS=1), else a temporary folder: a test run does
# not change committed files
SHOTS = (
    Path(__file__).resolve().parents[3] / "docs" / "screenshots"
    if os.environ.get("GONGHUI_SCREENSHOTS")
    else Path(tempfile.gettempdir())
)
RETURN_REASON = "申请表未签字，请补签后重新提交"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="Chromium is not installed"),
    pytest.mark.django_db(transaction=True),
]


def _page(chromium, width: int = 1280):
    page = chromium.new_context(locale="zh-CN", viewport={"width": width, "height": 900}).new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    return page


def _log_in(page, base: str, username: str) -> None:
    page.goto(base + reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary[type=submit]")
    page.wait_for_selector("[data-testid=user-region]")


def _log_out(page) -> None:
    page.click("form[action$='/logout/'] button[type=submit]")
    page.wait_for_selector("input[name=username]")


def _application_photo(tmp_path: Path, name: str) -> Path:
    """A small JPEG, as a phone's photo of the paper form would be."""
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (320, 240), (235, 230, 220)).save(buf, "JPEG", quality=80)
    path = tmp_path / name
    path.write_bytes(buf.getvalue())
    return path


def _register(page, base: str, union, name: str, id_number: str) -> ChangeRequest:
    """Fill in the member form as the union user: the union is filled in; picked again by part
    of its name, the picker offers only its own."""
    page.goto(base + reverse("unions:member-create"))
    union_input = page.locator("input[name=union]")
    assert union_input.is_editable()
    assert union_input.input_value() == union.code  # the form starts with the union's own code
    union_input.fill("")
    union_input.click()
    union_input.press_sequentially("城关一厂", delay=30)
    options = page.locator("#" + union_input.get_attribute("aria-controls") + " [role=option]")
    options.first.wait_for()
    assert options.all_inner_texts() == [f"{union.name}（{union.code}）"]  # its own union only
    union_input.press("ArrowDown")
    union_input.press("Enter")
    assert union_input.input_value() == union.code
    page.fill("input[name=name]", name)
    page.fill("input[name=id_number]", id_number)
    page.fill("input[name=joined_on]", "2024-03-01")
    page.select_option("select[name=household_type]", "urban")
    page.select_option("select[name=join_channel]", "offline")
    page.click("form button.primary[type=submit]")
    page.wait_for_url(lambda url: "/change-requests/" in url)
    change = ChangeRequest.objects.get(object_repr__contains=name)
    assert page.url == base + reverse("changerequest-detail", args=[change.pk])
    assert page.inner_text("[data-testid=status]") == "待审批"
    assert page.inner_text(".messages li").startswith("已提交县区工会审批")
    return change


def _attach(page, photo: Path) -> None:
    """Attach the photo as the application form through the request page's panel."""
    panel = page.locator("[data-testid=attachments]")
    kinds = panel.locator("select[name=kind] option")
    assert "application_form" in [kinds.nth(i).get_attribute("value") for i in range(kinds.count())]
    panel.locator("select[name=kind]").select_option("application_form")
    panel.locator("#attachment-files").set_input_files(str(photo))
    panel.locator("[data-testid=attach]").click()
    page.wait_for_selector(f"[data-testid=attachment][data-kind=application_form] >> text={photo.name}")


def _row_status(page, change: ChangeRequest) -> str:
    return page.inner_text(f"tr[data-testid=change-request][data-id='{change.pk}'] .badge")


def test_union_registers_two_members_county_approves_one_returns_the_other(
    live_server, chromium, county_user, tmp_path
):
    # given a union of Chengguan (620102) with its own user, and the county's staff
    union = GrassrootsUnionFactory(name="城关一厂工会", region=region(OWN_COUNTY))
    union_user = UserFactory(username="union_cg1", role=Role.UNION, region=union.region, union=union)
    base = live_server.url
    id_a, id_b = make_resident_id(OWN_COUNTY), make_resident_id(OWN_COUNTY)

    # when the union user registers two members, each with a photo of the application form
    page = _page(chromium)
    _log_in(page, base, union_user.username)
    request_a = _register(page, base, union, "张甲", id_a)
    _attach(page, _application_photo(tmp_path, "申请表-张甲.jpg"))
    request_b = _register(page, base, union, "李乙", id_b)
    _attach(page, _application_photo(tmp_path, "申请表-李乙.jpg"))

    # then nothing is in the register yet; each request holds its form
    assert Member.objects.count() == 0
    assert sorted(Attachment.objects.values_list("content_type__model", "object_id", "kind")) == sorted(
        [
            ("changerequest", str(request_a.pk), "application_form"),
            ("changerequest", str(request_b.pk), "application_form"),
        ]
    )
    _log_out(page)

    # when the county sees both pending, approves A and returns B with a reason
    _log_in(page, base, county_user.username)
    page.goto(base + reverse("changerequest-list"))
    rows = page.locator("tr[data-testid=change-request]")
    assert sorted(int(rows.nth(i).get_attribute("data-id")) for i in range(rows.count())) == sorted(
        [request_a.pk, request_b.pk]
    )
    assert (_row_status(page, request_a), _row_status(page, request_b)) == ("待审批", "待审批")

    page.click(f"tr[data-id='{request_a.pk}'] a[href$='/{request_a.pk}/']")
    page.wait_for_selector("[data-testid=decision]")
    assert page.locator("[data-testid=attachment][data-kind=application_form]").count() == 1
    page.screenshot(path=str(SHOTS / "change-request-county.png"), full_page=True)
    page.click("[data-testid=approve]")
    page.wait_for_selector(".messages li")
    assert page.inner_text("[data-testid=status]") == "已批准"

    page.goto(base + reverse("changerequest-detail", args=[request_b.pk]))
    page.fill("[data-testid=decision] input[name=reason]", RETURN_REASON)
    page.click("[data-testid=return]")
    page.wait_for_selector(".messages li")
    assert page.inner_text("[data-testid=status]") == "已退回"

    # then A is a member and B is not
    assert list(Member.objects.values_list("id_number", "union")) == [(id_a, union.pk)]
    request_a.refresh_from_db()
    request_b.refresh_from_db()
    assert (request_a.status, request_b.status) == (
        ChangeRequestStatus.APPROVED,
        ChangeRequestStatus.RETURNED,
    )
    _log_out(page)

    # when the union user logs in again, it sees both outcomes
    _log_in(page, base, union_user.username)
    page.goto(base + reverse("changerequest-list"))
    assert (_row_status(page, request_a), _row_status(page, request_b)) == ("已批准", "已退回")
    page.screenshot(path=str(SHOTS / "change-requests-union.png"), full_page=True)

    page.goto(base + reverse("changerequest-detail", args=[request_a.pk]))
    assert page.inner_text("[data-testid=status]") == "已批准"
    assert page.inner_text("[data-testid=result]") != ""
    assert page.locator("[data-testid=decision]").count() == 0  # a union never decides
    page.goto(base + reverse("changerequest-detail", args=[request_b.pk]))
    assert page.inner_text("[data-testid=status]") == "已退回"
    assert page.inner_text("[data-testid=reason]") == RETURN_REASON
    assert page.errors == []

    # and on a 390 px phone the union's request page does not scroll sideways
    phone = _page(chromium, width=390)
    _log_in(phone, base, union_user.username)
    phone.goto(base + reverse("changerequest-detail", args=[request_b.pk]))
    phone.wait_for_selector("[data-testid=attachments]")
    widths = phone.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    phone.screenshot(path="/tmp/change-request-union-phone.png", full_page=True)
    assert widths[0] <= widths[1], f"scrollWidth {widths[0]} > innerWidth {widths[1]}"
