"""Every page a user can reach, in both languages (issue 13): four users (county, prefecture,
province, a grassroots union) follow every same-site link from the home page, breadth first,
with some records of every domain in the registers. In English no page shows a Chinese choice
label of any model field; in Chinese no page shows the English of one; no page is a 500.

The registers' own data (names of regions, unions and people) is Chinese and may legitimately
hold a label's characters, so a label found in the data is left out of the check, and the
records made here are named in Latin letters. GET only: logout, the language switch, downloads,
exports and import templates are not followed.
"""

from __future__ import annotations

import datetime as dt
import html as htmlmod
import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.utils import translation

from apps.competitions.tests.factories import CompetitionFactory, InnovationFactory, ParticipationFactory
from apps.core.choices import Role
from apps.core.importing import registry
from apps.core.tests.factories import UserFactory, make_resident_id, region
from apps.hardship.tests.factories import DisbursementFactory, FamilyMemberFactory, HouseholdFactory
from apps.insurance.tests.factories import ClaimFactory
from apps.model_workers.tests.factories import (
    BenefitPaymentFactory,
    HonourFactory,
    ModelWorkerFactory,
    TalkFactory,
)
from apps.reports import services as report_services
from apps.reports.tests.factories import YearlyReportFactory
from apps.services.tests.factories import JobFairFactory, ReliefPaymentFactory, VisitFactory
from apps.unions.tests.factories import (
    ContractFactory,
    GrassrootsUnionFactory,
    JoinApplicationFactory,
    MemberFactory,
)

pytestmark = pytest.mark.django_db

EN, ZH = "en", "zh-hans"
YEAR = 2024
MAX_PAGES = 300
QUERIES_PER_PATH = 3  # filter, sort and page links of one list: a few are enough
CJK = re.compile(r"[\u4e00-\u9fff]")
# Not followed: they leave the session or the language, or answer with a file, not a page.
SKIPPED = re.compile(
    r"/accounts/logout/|/i18n/|/export|/download|/template|/errors/|/media/|/static/|/api/|\.(xlsx|csv|pdf)$"
)


@pytest.fixture(autouse=True)
def _language_restored():
    """A request in English leaves English active in the thread: later tests expect the default."""
    yield
    translation.deactivate()


def _in(language: str, text: object) -> str:
    with translation.override(language):
        return str(text)


def choice_labels() -> dict[str, str]:
    """Chinese -> English of the Chinese label of every choice of every model field."""
    pairs: dict[str, str] = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for _value, label in getattr(field, "flatchoices", None) or []:
                chinese = _in(ZH, label)
                if CJK.search(chinese):
                    pairs[chinese] = _in(EN, label)
    return pairs


def data_texts() -> list[str]:
    """Every text value stored in the project's tables (names of regions, unions, people...)."""
    texts: set[str] = set()
    for model in apps.get_models():
        if not model.__module__.startswith("apps."):
            continue
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and not f.choices
        ]
        for row in model._default_manager.values_list(*fields) if fields else []:
            texts.update(v for v in row if v)
    return sorted(texts)


def contract_headers() -> list[str]:
    """The column headers of every import template: the Chinese of IMPORT.md, which the import
    page lists as the file must have them whatever the UI language (longest first)."""
    headers = {column.header for cls in registry().values() for column in cls.columns}
    return sorted(headers, key=len, reverse=True)


def page_texts(page: str) -> list[str]:
    """The visible texts of a page, one per text node, and the texts of the attributes a
    reader or a screen reader meets (title, aria-label, placeholder, alt)."""
    body = re.sub(r"<(script|style)\b.*?</\1>|<!--.*?-->", "", page, flags=re.S)
    texts = [htmlmod.unescape(s).strip() for s in re.split(r"<[^>]+>", body)]
    attrs = re.findall(r'\s(?:title|aria-label|placeholder|alt)="([^"]*)"', body)
    return [t for t in texts + [htmlmod.unescape(a).strip() for a in attrs] if t]


def links(page: str, base: str) -> list[str]:
    """The same-site links of a page (path and query), in page order."""
    found = []
    for href in re.findall(r'<a\b[^>]*\bhref="([^"#]*)', page):
        url = urlsplit(urljoin(base, htmlmod.unescape(href)))
        if url.scheme not in ("", "http") or url.netloc not in ("", "testserver") or not url.path:
            continue
        found.append(url.path + (f"?{url.query}" if url.query else ""))
    return found


def crawl(client: Client, max_pages: int = MAX_PAGES) -> tuple[dict[str, str], dict[str, str]]:
    """Breadth first from the home page: ({url: html} of the pages, {url: what failed})."""
    pages: dict[str, str] = {}
    failures: dict[str, str] = {}
    queued = {"/"}
    per_path: dict[str, int] = {}
    queue = deque(["/"])
    while queue and len(pages) + len(failures) < max_pages:
        url = queue.popleft()
        try:
            resp = client.get(url)
        except Exception as exc:  # raised by the view: what a visitor would get as a 500
            failures[url] = f"{type(exc).__name__}: {exc}"
            continue
        if resp.status_code >= 500:
            failures[url] = str(resp.status_code)
            continue
        if resp.status_code in (301, 302):
            targets = [resp["Location"]]
        elif resp.status_code == 200 and resp.get("Content-Type", "").startswith("text/html"):
            pages[url] = resp.content.decode()
            targets = links(pages[url], url)
        else:
            continue
        for target in targets:
            path = urlsplit(target).path
            if target in queued or SKIPPED.search(target):
                continue
            if "?" in target and per_path.get(path, 0) >= QUERIES_PER_PATH:
                continue
            queued.add(target)
            per_path[path] = per_path.get(path, 0) + ("?" in target)
            queue.append(target)
    return pages, failures


@pytest.fixture
def world(county_user):
    """A record or two of every domain in 城关区, named in Latin letters, and the dashboards'
    summaries computed."""
    cg = region("620102")
    union = GrassrootsUnionFactory(name="Crawl Union", code="CRAWL1", region=cg)
    member = MemberFactory(union=union, name="Zhang Wei", id_number=make_resident_id("620102", female=True))
    MemberFactory(union=union, name="Li Lei")
    JoinApplicationFactory(union=union, name="Han Meimei")
    ContractFactory(union=union)
    competition = CompetitionFactory(
        organizer_region=cg, name="Crawl Contest", start_date=dt.date(YEAR, 3, 1)
    )
    ParticipationFactory(competition=competition, union=union)
    InnovationFactory(union=union, name="Crawl Idea")
    worker = ModelWorkerFactory(union=union, name="Wang Qiang")
    BenefitPaymentFactory(model_worker=worker)
    HonourFactory(union=union, recipient_name="Crawl Team")
    TalkFactory(region=cg)
    household = HouseholdFactory(union=union, head_name="Zhao Min")
    FamilyMemberFactory(household=household, name="Zhao Xiao")
    DisbursementFactory(household=household)
    ClaimFactory(coverage__union=union, coverage__member=member)
    ReliefPaymentFactory(region=cg, name="Sun Li")
    VisitFactory(region=cg, name="Zhou Jie")
    JobFairFactory(region=cg, name="Crawl Job Fair")
    YearlyReportFactory(year=YEAR, region=cg)
    report_services.summary_refresh(years=[YEAR], regions=[cg, region("620100"), region("620000")])
    return union


def _user(who: str, union):
    if who == "union":
        return UserFactory(username="union_crawl", role=Role.UNION, region=union.region, union=union)
    return {
        "county": lambda: UserFactory(username="county_crawl", role=Role.COUNTY, region=region("620102")),
        "prefecture": lambda: UserFactory(
            username="pref_crawl", role=Role.PREFECTURE, region=region("620100")
        ),
        "province": lambda: UserFactory(username="prov_crawl", role=Role.PROVINCE, region=region("620000")),
    }[who]()


def found_chinese(texts: list[str], labels: set[str], contract: list[str]) -> set[str]:
    found = set()
    for text in texts:
        for header in contract:
            text = text.replace(header, " ")
        found |= {label for label in labels if label in text}
    return found


def found_english(texts: list[str], labels: set[str]) -> set[str]:
    patterns = {label: re.compile(rf"(?<![\w.]){re.escape(label)}(?!\w)") for label in labels}
    return {label for label, pattern in patterns.items() for text in texts if pattern.search(text)}


@pytest.mark.parametrize("language", [EN, ZH])
@pytest.mark.parametrize("who", ["county", "prefecture", "province", "union"])
def test_every_page_shows_the_labels_of_its_language_only(world, who, language):
    # given: a user of the role, in the language
    client = Client()
    client.force_login(_user(who, world))
    client.cookies["django_language"] = language
    pairs = choice_labels()
    data = data_texts()

    # when
    pages, failures = crawl(client)

    # then: no 500, and enough of the site was seen for the check to mean something
    assert failures == {}
    assert len(pages) >= (50 if who == "union" else 120), sorted(pages)
    contract = contract_headers()
    chinese = {zh for zh in pairs if len(zh) >= 2 and not any(zh in text for text in data)}
    english = {
        en
        for zh, en in pairs.items()
        if en != zh and len(re.findall(r"[A-Za-z]", en)) >= 4 and not any(en in text for text in data)
    }
    assert len(chinese) > 120 and len(english) > 120  # the project's labels, not an empty set
    if language == EN:
        leaks = {url: found_chinese(page_texts(html), chinese, contract) for url, html in pages.items()}
        shown = set().union(*(found_english(page_texts(html), english) for html in pages.values()))
    else:
        leaks = {url: found_english(page_texts(html), english) for url, html in pages.items()}
        shown = set().union(*(found_chinese(page_texts(html), chinese, contract) for html in pages.values()))
    assert {url: sorted(found) for url, found in leaks.items() if found} == {}
    # the same search finds the labels of the page's own language: it would find the others
    assert len(shown) >= 15, sorted(shown)
