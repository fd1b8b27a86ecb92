"""English mode (issue 13): choice labels, indicator names and template titles follow the UI
language, while the import templates and their files, the exports and the yearly report's files
keep the Chinese of IMPORT.md and INDICATORS.md whatever the language.

The Chinese labels are msgids (gettext_lazy / gettext_noop) translated by locale/en. The pages'
data (names of people, unions and regions) is Chinese too, so the pages are checked against the
labels only: records are built with known choice values, the label in the UI language must be
there and its other-language twin must not, and no text of the page may be a label of the other
language.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import html as htmlmod
import importlib
import io
import re
import shutil
from urllib.parse import unquote

import openpyxl
import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise

from apps.core.importing import CellError, cells, choice_label, parse_choice, registry, run_import
from apps.core.models import Region
from apps.core.tests.factories import PASSWORD, make_resident_id
from apps.hardship.choices import Category, Cause, Status
from apps.hardship.resources import parse_causes
from apps.hardship.tests.factories import HouseholdFactory
from apps.insurance.choices import ClaimStatus, Product
from apps.insurance.tests.factories import ClaimFactory
from apps.reports import indicators
from apps.reports import services as report_services
from apps.reports.models import YearlyReport
from apps.services.choices import Programme, RecipientKind
from apps.services.tests.factories import ReliefPaymentFactory
from apps.unions.choices import HouseholdType, JoinChannel, KeyGroup, MemberStatus, Sex
from apps.unions.models import Member
from apps.unions.tests.factories import GrassrootsUnionFactory, MemberFactory

CJK = re.compile(r"[\u4e00-\u9fff]")
EN, ZH = "en", "zh-hans"
YEAR = 2024

# Choices whose labels are still plain Chinese strings (none left: the import jobs' step and
# status are msgids too).
PLAIN_CHINESE: set[str] = set()


@pytest.fixture(autouse=True)
def _language_restored():
    """A request in English leaves English active in the thread: later tests expect the default."""
    yield
    translation.deactivate()


def _in(language: str, text) -> str:
    with translation.override(language):
        return str(text)


def project_choices() -> list[type[models.TextChoices]]:
    """Every TextChoices class defined under apps/ (tests excluded)."""
    for config in apps.get_app_configs():
        if config.name.startswith("apps."):
            with contextlib.suppress(ModuleNotFoundError):
                importlib.import_module(f"{config.name}.choices")
    found, stack = [], list(models.TextChoices.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("apps.") and ".tests" not in cls.__module__:
            found.append(cls)
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


def label_pairs() -> dict[str, str]:
    """Chinese -> English of every Chinese choice label, indicator name and domain name."""
    pairs: dict[str, str] = {}
    for choices in project_choices():
        if choices.__name__ in PLAIN_CHINESE:
            continue
        for _value, label in choices.choices:
            if CJK.search(_in(ZH, label)):
                pairs[_in(ZH, label)] = _in(EN, label)
    for ind in indicators.INDICATORS:
        with translation.override(ZH):
            zh = ind.name
        with translation.override(EN):
            pairs[zh] = ind.name
    for key in indicators.DOMAIN_NAMES:
        with translation.override(ZH):
            zh = indicators.DOMAIN_NAMES[key]
        with translation.override(EN):
            pairs[zh] = indicators.DOMAIN_NAMES[key]
    return pairs


def main_texts(page: str) -> list[str]:
    """The texts of the page's <main> (scripts and styles left out), one per text node."""
    start, end = page.find("<main"), page.rfind("</main>")
    body = re.sub(r"<(script|style)\b.*?</\1>", "", page[start:end], flags=re.S)
    return [t for t in (htmlmod.unescape(s).strip() for s in re.split(r"<[^>]+>", body)) if t]


def leaked(texts: list[str], labels: set[str], data: list[str]) -> set[str]:
    """The labels found in the texts: a text equal to a label, or holding a label of two or more
    characters once the data's own names (regions, unions, people) are taken out."""
    found = set()
    for text in texts:
        for name in data:
            text = text.replace(name, " ")
        for part in [text, *re.split(r"\s*[·|\t\n]\s*", text)]:
            found |= {label for label in labels if part.strip() == label}
        found |= {label for label in labels if len(label) > 1 and label in text}
    return found


def region_names() -> list[str]:
    return sorted(Region.objects.values_list("name", flat=True), key=len, reverse=True)


# -- the catalogue ------------------------------------------------------------------------------


def test_every_chinese_label_has_its_english():
    pairs = label_pairs()
    missing = sorted(zh for zh, en in pairs.items() if en == zh or CJK.search(en))
    assert missing == []
    assert pairs["快递员"] == "Courier" and pairs["已走访（进）"] == "Visited"
    assert pairs["基层工会组织数"] == "Grassroots unions" and pairs["组织建设"] == "Organisation"
    assert len(pairs) > 250


def test_every_import_template_has_an_english_title():
    titles = {name: (_in(ZH, cls.title), _in(EN, cls.title)) for name, cls in registry().items()}
    assert len(titles) == 25
    assert {name for name, (zh, en) in titles.items() if not CJK.search(zh) or CJK.search(en)} == set()
    assert titles["members"] == ("会员", "Members")
    assert titles["relief"] == ("专项帮扶发放", "Relief payments")


def test_chinese_labels_are_translations_not_plain_strings():
    plain = {
        choices.__name__
        for choices in project_choices()
        for _value, label in choices.choices
        if not isinstance(label, Promise) and CJK.search(str(label))
    }
    assert plain == PLAIN_CHINESE


def test_in_chinese_the_labels_are_the_contract_s_own():
    with translation.override(ZH):
        assert KeyGroup.COURIER.label == "快递员"
        assert Status.VISITED.label == "已走访（进）"
        assert indicators.BY_CODE["org.unions"].name == "基层工会组织数"
    with translation.override(EN):
        assert KeyGroup.COURIER.label == "Courier"
        assert Sex.FEMALE.label == "Female"
        assert indicators.BY_CODE["org.unions"].name == "Grassroots unions"


# -- the pages ------------------------------------------------------------------------------------


@pytest.fixture
def records(county_user):
    """One record per page with known choice values, named in Latin letters."""
    union = GrassrootsUnionFactory(name="Lanzhou Test Union", region=county_user.region)
    member = MemberFactory(
        union=union,
        name="Zhang Wei",
        id_number=make_resident_id("620102", female=True),
        key_group=KeyGroup.COURIER,
        status=MemberStatus.RETAINED,
        household_type=HouseholdType.RURAL,
        join_channel=JoinChannel.ONLINE,
    )
    claim = ClaimFactory(
        coverage__union=union,
        coverage__member=member,
        coverage__plan__product=Product.CRITICAL,
        status=ClaimStatus.REVIEWED,
    )
    household = HouseholdFactory(
        union=union, head_name="Li Na", category=Category.DEEP, status=Status.VISITED
    )
    relief = ReliefPaymentFactory(
        region=county_user.region,
        name="Wang Fang",
        programme=Programme.JINQIU,
        student_name="Wang Xiaoming",
        school_level="undergraduate",
        recipient_kind=RecipientKind.MIGRANT,
    )
    report_services.summary_refresh(years=[YEAR], regions=[county_user.region])
    return {"member": member, "claim": claim, "household": household, "relief": relief}


def _pages(records) -> list[tuple[str, list]]:
    """(url, the labels the page must show) of each page checked."""
    org = indicators.BY_CODE
    return [
        (
            reverse("unions:member-list"),
            [KeyGroup.COURIER.label, MemberStatus.RETAINED.label, Sex.FEMALE.label],
        ),
        (
            reverse("unions:member-detail", args=[records["member"].pk]),
            [
                KeyGroup.COURIER.label,
                MemberStatus.RETAINED.label,
                Sex.FEMALE.label,
                HouseholdType.RURAL.label,
                JoinChannel.ONLINE.label,
            ],
        ),
        (reverse("insurance:claim-list"), [ClaimStatus.REVIEWED.label]),
        (reverse("hardship:household-list"), [Status.VISITED.label, Category.DEEP.label]),
        (
            reverse("reports:dashboard") + f"?year={YEAR}",
            [org["org.members"].chinese_name, org["org.unions"].chinese_name, "组织建设"],
        ),
        (reverse("services:relief-list"), [Programme.JINQIU.label, RecipientKind.MIGRANT.label]),
    ]


def _label(label, language: str) -> str:
    """A choice label (lazy) or an indicator/domain msgid in ``language``."""
    with translation.override(language):
        return translation.gettext(label) if isinstance(label, str) else str(label)


@pytest.mark.parametrize("page", range(6))
def test_pages_in_english_show_no_chinese_label(page, client, county_user, records):
    url, shown = _pages(records)[page]
    client.force_login(county_user)
    client.cookies["django_language"] = EN
    resp = client.get(url)
    assert resp.status_code == 200
    assert resp.headers["Content-Language"] == EN
    html = resp.content.decode()
    for label in shown:
        assert _label(label, EN) in html
        assert _label(label, ZH) not in html
    pairs = label_pairs()
    assert leaked(main_texts(html), set(pairs), region_names()) == set()


@pytest.mark.parametrize("page", range(6))
def test_pages_in_chinese_show_no_english_label(page, client, county_user, records):
    url, shown = _pages(records)[page]
    client.force_login(county_user)
    client.cookies["django_language"] = ZH
    resp = client.get(url)
    assert resp.status_code == 200
    html = resp.content.decode()
    for label in shown:
        assert _label(label, ZH) in html
        assert _label(label, EN) not in html
    english = set(label_pairs().values())
    texts = main_texts(html)
    assert {t for t in texts if t in english} == set()


def test_language_switch_turns_the_member_list_english(client, county_user, records):
    client.force_login(county_user)
    url = reverse("unions:member-list")
    assert "快递员" in client.get(url).content.decode()
    resp = client.post(reverse("set_language"), {"language": EN, "next": url})
    assert resp.status_code == 302
    html = client.get(url).content.decode()
    assert "Courier" in html and "快递员" not in html


# -- the import pages and files -------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    """Files in a temporary folder; tasks run eagerly in the test's transaction."""
    from config.celery import app

    settings.MEDIA_ROOT = tmp_path
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield tmp_path
    app.conf.task_always_eager = eager


MEMBER_HEADERS = ["姓名", "身份证号", "工会编码", "户籍类型", "重点群体", "入会日期", "入会方式"]


def _member_csv(rows) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(MEMBER_HEADERS)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def test_choice_labels_read_and_write_chinese_whichever_language_asks_first():
    cells._labels_by_value.cache_clear()
    cells._labels.cache_clear()
    with translation.override(EN):
        assert choice_label(KeyGroup, KeyGroup.COURIER) == "快递员"
        assert parse_choice("快递员", KeyGroup) == KeyGroup.COURIER
        with pytest.raises(CellError, match="“Courier”不是可选值（可选：货车司机、快递员、"):
            parse_choice("Courier", KeyGroup)
        assert parse_causes("因病；因灾") == f"{Cause.ILLNESS},{Cause.DISASTER}"
    with translation.override(ZH):
        assert choice_label(KeyGroup, KeyGroup.COURIER) == "快递员"


def test_run_import_in_english_reads_the_chinese_labels(tmp_path, county_user):
    union = GrassrootsUnionFactory(code="GHEN1", region=county_user.region)
    rid = make_resident_id("620102")
    path = tmp_path / "members.csv"
    path.write_bytes(
        _member_csv(
            [
                ["张三", rid, union.code, "农村", "快递员", "2024-01-02", "网上"],
                ["李四", make_resident_id("620102"), union.code, "Rural", "Courier", "2024-01-02", "Online"],
            ]
        )
    )
    with translation.override(EN):
        result = run_import("members", path, user=county_user, skip_invalid=True)
    assert (result.created, result.invalid) == (1, 1)
    member = Member.objects.get()
    assert (member.id_number, member.household_type, member.key_group, member.join_channel) == (
        rid,
        HouseholdType.RURAL,
        KeyGroup.COURIER,
        JoinChannel.ONLINE,
    )
    messages = " ".join(e.message for e in result.errors)
    assert "“Rural”不是可选值（可选：城镇、农村）" in messages
    assert "Urban" not in messages


def test_browser_import_in_english_reads_the_chinese_labels(
    client, county_user, media, django_capture_on_commit_callbacks
):
    union = GrassrootsUnionFactory(code="GHEN2", region=county_user.region)
    rid = make_resident_id("620102")
    client.force_login(county_user)
    client.cookies["django_language"] = EN

    def submit(url, data):
        with translation.override(EN), django_capture_on_commit_callbacks(execute=True):
            resp = client.post(url, data)
        assert resp.status_code == 302
        return client.get(resp.url)

    upload = SimpleUploadedFile(
        "members.csv", _member_csv([["张三", rid, union.code, "农村", "快递员", "2024/1/2", "网上"]])
    )
    preview = submit(reverse("import-start"), {"resource": "members", "file": upload})
    assert preview.status_code == 200
    assert preview.context["result"].created == 1 and preview.context["result"].error_count == 0
    assert "template Members" in preview.content.decode()
    done = submit(preview.context["confirm_url"], {})
    assert done.context["result"].written
    member = Member.objects.get()
    assert (member.id_number, member.key_group, member.join_channel) == (rid, "courier", "online")


def test_export_in_english_writes_the_chinese_labels(client, county_user, media):
    MemberFactory(
        union=GrassrootsUnionFactory(region=county_user.region),
        key_group=KeyGroup.COURIER,
        household_type=HouseholdType.RURAL,
        join_channel=JoinChannel.ONLINE,
    )
    client.force_login(county_user)
    client.cookies["django_language"] = EN
    resp = client.get(reverse("export-records", args=["members"]), {"format": "csv"})
    assert resp.status_code == 200
    assert "会员.csv" in unquote(resp.headers["Content-Disposition"])
    rows = list(csv.DictReader(io.StringIO(b"".join(resp.streaming_content).decode("utf-8-sig"))))
    assert [(r["户籍类型"], r["重点群体"], r["入会方式"]) for r in rows] == [("农村", "快递员", "网上")]
    resp = client.get(reverse("export-records", args=["members"]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(resp.streaming_content))).active
    values = [c.value for c in sheet[2]]
    assert "快递员" in values and "Courier" not in values


def test_template_downloaded_in_english_is_chinese(client, county_user, media):
    client.force_login(county_user)
    client.cookies["django_language"] = EN
    resp = client.get(reverse("import-template", args=["members"]))
    assert resp.status_code == 200
    assert "会员导入模板.xlsx" in unquote(resp.headers["Content-Disposition"])
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(resp.streaming_content)))
    assert [c.value for c in wb["data"][1]][:3] == ["姓名", "身份证号", "工会编码"]
    lists = {col[0].value: [c.value for c in col[1:] if c.value] for col in wb["选项"].iter_cols()}
    assert lists["重点群体"][:2] == ["货车司机", "快递员"]
    assert lists["户籍类型"] == ["城镇", "农村"]
    guide = [[c.value for c in row] for row in wb["填写说明"].iter_rows()]
    assert guide[0][0].startswith("会员导入模板")
    by_header = {row[0]: row for row in guide if row and row[0] in lists}
    assert by_header["户籍类型"][4] == "城镇、农村"
    assert by_header["户籍类型"][5] == "城镇"


@pytest.mark.parametrize(
    ("language", "shown", "hidden"),
    [
        (EN, ["Members", "Grassroots unions"], ["会员", "（members）"]),
        (ZH, ["会员", "基层工会"], ["（members）", "Members"]),
    ],
)
def test_import_page_names_templates_in_the_ui_language(client, county_user, language, shown, hidden):
    client.force_login(county_user)
    client.cookies["django_language"] = language
    html = client.get(reverse("import-start")).content.decode()
    options = dict(re.findall(r'<option value="(\w+)"[^>]*>([^<]+)</option>', html))
    assert options["members"] == shown[0] and options["unions"] == shown[1]
    for text in hidden:
        assert text not in options.values()


# -- the yearly report's files --------------------------------------------------------------------


def test_report_requested_in_english_writes_chinese_files(
    client, county_user, media, django_capture_on_commit_callbacks
):
    MemberFactory(union=GrassrootsUnionFactory(region=county_user.region), joined_on=dt.date(2024, 3, 1))
    client.force_login(county_user)
    client.cookies["django_language"] = EN
    with translation.override(EN), django_capture_on_commit_callbacks(execute=True):
        resp = client.post(reverse("reports:report-request"), {"year": YEAR, "region": "620102"})
    assert resp.status_code == 302
    report = YearlyReport.objects.get()
    page = client.get(reverse("reports:report-detail", args=[report.pk])).content.decode()
    assert "Grassroots unions" in page and "基层工会组织数" not in page
    download = client.get(reverse("reports:report-download", args=[report.pk, "xlsx"]))
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert wb.sheetnames[0] == "组织建设"
    sheet = wb["组织建设"]
    names = {row[0].value: row[1].value for row in sheet.iter_rows(min_row=2)}
    assert names["org.unions"] == "基层工会组织数"
    assert names["org.members"] == "工会会员数"
    assert sheet["B1"].value == "指标名称"


# -- a crawl in a real browser --------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"


@pytest.mark.browser
@pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="Chromium is not installed")
@pytest.mark.django_db(transaction=True)
def test_english_crawl_shows_no_chinese_choice_label(monkeypatch, live_server, county_user, records):
    pytest.importorskip("playwright")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    urls = [
        reverse("home"),
        reverse("unions:union-list"),
        reverse("unions:member-list"),
        reverse("unions:member-detail", args=[records["member"].pk]),
        reverse("insurance:claim-list"),
        reverse("insurance:claim-detail", args=[records["claim"].pk]),
        reverse("hardship:household-list"),
        reverse("hardship:household-detail", args=[records["household"].pk]),
        reverse("services:relief-list"),
        reverse("services:relief-detail", args=[records["relief"].pk]),
        reverse("reports:dashboard") + f"?year={YEAR}",
        reverse("region-list"),
    ]
    pairs = label_pairs()
    data = region_names()
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-component-update"],
        )
        page = browser.new_context(locale="en-US").new_page()
        page.set_default_timeout(20_000)
        page.goto(live_server.url + reverse("login"))
        page.fill("input[name=username]", county_user.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button.primary[type=submit]")
        page.wait_for_selector("[data-testid=user-region]")
        seen, shown = {}, []
        for url in urls:
            response = page.goto(live_server.url + url)
            assert response.status == 200, url
            assert page.get_attribute("html", "lang") == EN
            text = page.locator("main").inner_text()
            seen[url] = leaked(text.split("\n"), set(pairs), data)
            shown.append(text)
        browser.close()
    assert seen == {url: set() for url in urls}
    every = "\n".join(shown)
    for english in ("Courier", "Membership retained", "Reviewed", "Visited", "Golden Autumn education aid"):
        assert english in every
