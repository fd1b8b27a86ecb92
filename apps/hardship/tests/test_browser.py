"""The seven-step filing in a real headless Chromium (Playwright) against the live server, from
the county's first step through the prefecture's review: county staff enter a household with
its family and take it through six steps, seeing their own figures; the review is not offered
while the public notice runs, and the county is told who reviews; the prefecture sees the
figures it must check, sends the filing back without a reason (refused) and with one; the
county deliberates again; once the notice is over the prefecture approves and files it.
Screenshots go to /tmp/hardship-*.png."""

import datetime as dt
import shutil

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.core.choices import Role
from apps.core.tests.factories import PASSWORD, UserFactory, make_resident_id, region
from apps.unions.tests.factories import GrassrootsUnionFactory

from ..choices import Status
from ..models import FilingStep, Household
from .factories import standard

CHROMIUM = "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="Chromium is not installed"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def browser_page(chromium):  # conftest.py
    page = chromium.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page.set_default_timeout(20_000)
    return page


def _login(page, base, username):
    page.context.clear_cookies()
    page.goto(base + reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary[type=submit]")
    page.wait_for_selector("[data-testid=user-region]")


def _attach_visit_photo(page, base, household):
    """The county's visit photo on the household page: the review needs one (issue 16)."""
    import io

    from PIL import Image

    photo = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 160, 90)).save(photo, "JPEG")
    page.goto(base + reverse("hardship:household-detail", args=[household.pk]))
    page.select_option("#attachment-kind", "visit_photo")
    page.set_input_files(
        "#attachment-files", {"name": "visit.jpg", "mimeType": "image/jpeg", "buffer": photo.getvalue()}
    )
    page.click("[data-testid=attach]")
    page.wait_for_selector("[data-testid=attachment][data-kind=visit_photo]")


def _notice_over(household):
    """As if the public notice had run its days."""
    Household.objects.filter(pk=household.pk).update(
        notice_ends_on=timezone.localdate() - dt.timedelta(days=1)
    )


def _do_step(page, base, household, expected):
    page.goto(base + reverse("hardship:household-detail", args=[household.pk]))
    page.click("[data-testid=advance]")
    page.wait_for_selector("[data-testid=advance-form]")
    assert page.input_value("input[name=step]") == expected
    page.fill("textarea[name=note]", f"{expected} 已完成")
    if page.locator("input[name=attachments]").count():
        page.fill("input[name=attachments]", "入户走访表.pdf")
    page.click("[data-testid=advance-submit]")
    page.wait_for_selector("[data-testid=wizard]")


def test_seven_steps_and_the_review_in_the_browser(live_server, browser_page):
    standard("620000", amount="800.00")
    GrassrootsUnionFactory(code="GU-BROWSER", region=region("620102"))
    UserFactory(username="county_browser", role=Role.COUNTY, region=region("620102"))
    UserFactory(username="pref_browser", role=Role.PREFECTURE, region=region("620100"))
    page, base = browser_page, live_server.url
    head, spouse = make_resident_id("620102"), make_resident_id("620102")

    # the county enters the household and its family
    _login(page, base, "county_browser")
    page.goto(base + reverse("hardship:household-create"))
    page.fill("input[name=union]", "GU-BROWSER")
    page.fill("input[name=head_name]", "浏览器户主")
    page.fill("input[name=head_id_number]", head)
    page.fill("input[name=head_income]", "1000")
    page.select_option("select[name=category]", "relative")
    page.check("input[name=causes][value=illness]")
    page.fill("input[name=rigid_expenses]", "200")
    page.click("form[novalidate] button.primary[type=submit]")
    page.wait_for_selector("[data-testid=wizard]")
    household = Household.objects.get(head_id_number=head)
    assert page.url.endswith(reverse("hardship:household-detail", args=[household.pk]))
    page.goto(base + reverse("hardship:member-create", args=[household.pk]))
    page.fill("input[name=name]", "浏览器配偶")
    page.fill("input[name=id_number]", spouse)
    page.select_option("select[name=relation]", "spouse")
    page.fill("input[name=monthly_income]", "600")
    page.click("form[novalidate] button.primary[type=submit]")
    page.wait_for_selector("[data-testid=members]")
    # their own filing in progress: the clerk sees the IDs and incomes in full
    assert page.inner_text("[data-testid=head-id]") == head
    assert spouse in page.inner_text("[data-testid=members]")

    # skipping is refused with a clear message and changes nothing
    page.goto(base + reverse("hardship:household-advance", args=[household.pk]) + "?step=calculate")
    page.fill("textarea[name=note]", "跳步")
    page.click("[data-testid=advance-submit]")
    assert "“进”" in page.inner_text("[data-testid=form-errors]")
    assert Household.objects.get(pk=household.pk).status == Status.NEW

    for expected in ("visit", "inspect", "calculate", "deliberate", "evaluate", "notice"):
        _do_step(page, base, household, expected)
    household.refresh_from_db()
    assert household.status == Status.NOTICE
    assert page.get_attribute("[data-step=review]", "data-state") == "current"
    ends = household.notice_ends_on.isoformat()
    # no review button: when it can be reviewed, and who reviews
    assert page.locator("[data-testid=review]").count() == 0
    assert page.inner_text("[data-testid=review-waits]") == f"公示期至 {ends} 结束后可审核。"
    assert (
        page.inner_text("[data-testid=review-refusal]")
        == "只有市州工会、省总工会的人员可以审核该困难职工家庭。"
    )
    page.screenshot(path="/tmp/hardship-1-county-notice.png", full_page=True)
    # the review form itself is not offered to the county either
    page.goto(base + reverse("hardship:household-advance", args=[household.pk]) + "?step=review")
    page.wait_for_selector("[data-testid=wizard]")
    assert "只有市州工会、省总工会的人员可以审核该困难职工家庭。" in page.inner_text(".messages")

    # the prefecture: the notice still runs, the queue says until when; the figures are shown
    _login(page, base, "pref_browser")
    page.goto(base + reverse("hardship:review-queue"))
    assert page.inner_text("[data-testid=review-queue] [data-testid=review-waits]") == (
        f"公示期至 {ends} 结束后可审核。"
    )
    assert page.locator("[data-testid=review-queue] [data-testid=review]").count() == 0
    page.goto(base + reverse("hardship:household-detail", args=[household.pk]))
    assert page.inner_text("[data-testid=head-id]") == head
    assert page.inner_text("[data-testid=per-capita]") == "700.00"  # (1000 + 600 - 200) / 2
    page.screenshot(path="/tmp/hardship-2-prefecture-notice.png", full_page=True)

    # the notice is over: the review is offered in the queue
    _notice_over(household)
    page.goto(base + reverse("hardship:review-queue"))
    page.screenshot(path="/tmp/hardship-3-review-queue.png", full_page=True)
    page.click(f"[data-testid=review-queue] a[href*='/{household.pk}/advance/']")
    page.wait_for_selector("[data-testid=advance-form]")
    # sending back needs a reason
    page.click("[data-testid=review-send-back]")
    page.wait_for_selector("[data-testid=note-errors]")
    assert "退回评议必须填写理由" in page.inner_text("[data-testid=note-errors]")
    page.screenshot(path="/tmp/hardship-4-review-form.png", full_page=True)
    assert Household.objects.get(pk=household.pk).status == Status.NOTICE
    page.fill("textarea[name=note]", "配偶收入证明缺失，请补充后重新评议")
    page.click("[data-testid=review-send-back]")
    page.wait_for_selector("[data-testid=sent-back]")
    assert Household.objects.get(pk=household.pk).status == Status.CALCULATED

    # the county sees why, deliberates again, evaluates and posts a new notice
    _login(page, base, "county_browser")
    page.goto(base + reverse("hardship:household-detail", args=[household.pk]))
    sent_back = page.inner_text("[data-testid=sent-back]")
    assert "审核退回评议" in sent_back and "配偶收入证明缺失" in sent_back and "pref_browser" in sent_back
    page.screenshot(path="/tmp/hardship-5-county-sent-back.png", full_page=True)
    for expected in ("deliberate", "evaluate", "notice"):
        _do_step(page, base, household, expected)
    _notice_over(household)

    # without the visit photo the review is refused with the reason
    _login(page, base, "pref_browser")
    page.goto(base + reverse("hardship:household-detail", args=[household.pk]))
    page.click("[data-testid=review]")
    page.wait_for_selector("[data-testid=advance-form]")
    page.fill("textarea[name=note]", "审核通过")
    page.click("[data-testid=review-approve]")
    page.wait_for_selector("text=入户走访照片")
    assert Household.objects.get(pk=household.pk).status == Status.NOTICE

    # the county attaches the visit photo; the prefecture approves and files it
    _login(page, base, "county_browser")
    _attach_visit_photo(page, base, household)
    _login(page, base, "pref_browser")
    page.goto(base + reverse("hardship:household-detail", args=[household.pk]))
    page.click("[data-testid=review]")
    page.wait_for_selector("[data-testid=advance-form]")
    page.fill("textarea[name=note]", "审核通过")
    page.click("[data-testid=review-approve]")
    page.wait_for_selector("[data-testid=wizard]")
    assert page.inner_text("[data-testid=status]") == "已建档"
    # the filing is closed: the figures are masked again
    assert page.inner_text("[data-testid=head-id]") == head[:6] + "********" + head[-4:]
    page.screenshot(path="/tmp/hardship-6-filed.png", full_page=True)
    household.refresh_from_db()
    assert household.status == Status.FILED
    assert list(
        FilingStep.objects.filter(household=household).order_by("id").values_list("step", flat=True)
    ) == [
        "visit",
        "inspect",
        "calculate",
        "deliberate",
        "evaluate",
        "notice",
        "send_back",
        "deliberate",
        "evaluate",
        "notice",
        "review",
    ]
