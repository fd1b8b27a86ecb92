"""The home page answers "what needs me today" for each role: the queues of items waiting for
the user's decision with their counts and links (apps/core/work.py, contributed by the domains),
an empty state when nothing waits, and the headline figures of the user's region."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.core import audit
from apps.core.choices import AuditAction, Role
from apps.core.tests.factories import UserFactory, region
from apps.hardship import decisions as hardship_decisions
from apps.hardship import selectors as hardship_selectors
from apps.hardship import services as hardship_services
from apps.hardship.choices import Status
from apps.hardship.tests.factories import FiledHouseholdFactory, HouseholdFactory
from apps.insurance import decisions as claim_decisions
from apps.insurance import selectors as insurance_selectors
from apps.insurance.choices import ClaimStatus, ReviewMode
from apps.insurance.tests.factories import ClaimFactory, PlanFactory
from apps.reports.models import IndicatorSummary
from apps.reports.selectors import default_year
from apps.services import views as services_views
from apps.services.choices import ReliefStatus
from apps.services.tests.factories import MicroLoanFactory, ReliefPaymentFactory, RightsCaseFactory, township
from apps.unions import decisions as union_decisions
from apps.unions import selectors as union_selectors
from apps.unions.choices import ApplicationStatus, TransferStatus
from apps.unions.models import MembershipTransfer
from apps.unions.tests.factories import GrassrootsUnionFactory, JoinApplicationFactory, MemberFactory

CG, QLH = "620102", "620103"  # 城关区 and 七里河区, both in 兰州市 (620100)

COUNTY_QUEUES = {
    "unions.transfers": "unions:transfer-list",
    "unions.applications": "unions:joinapplication-list",
    "hardship.step_new": "hardship:household-list",
    "hardship.rechecks": "hardship:recheck-due",
    "insurance.claims_to_pay": "insurance:claim-queue",
    "services.relief_to_pay": "services:relief-list",
    "services.open_cases": "services:rightscase-open",
    "services.overdue_loans": "services:loan-overdue",
}
QUERIES = {
    "hardship.step_new": "?status=new",
    "insurance.claims_to_review": "?queue=submitted",
    "insurance.claims_to_approve": "?queue=reviewed",
    "insurance.claims_to_pay": "?queue=approved",
    "services.relief_to_pay": "?status=approved",
}

QUEUE = re.compile(
    r'<(?:a|div) class="tile"(?: href="(?P<url>[^"]*)")? data-queue="(?P<key>[^"]+)">\s*'
    r"<span[^>]*>(?P<count>[^<]+)</span>"
)


def queues_on(html: str) -> dict[str, tuple[str, str]]:
    """The queues the home page shows: key -> (count as shown, link)."""
    return {m["key"]: (m["count"], (m["url"] or "").replace("&amp;", "&")) for m in QUEUE.finditer(html)}


def link(key: str, url_name: str) -> str:
    return reverse(url_name) + QUERIES.get(key, "")


@pytest.fixture
def staff(db):
    return {
        "county_cg": UserFactory(username="county_cg", role=Role.COUNTY, region=region(CG)),
        "cg_clerk": UserFactory(username="cg_clerk", role=Role.COUNTY, region=region(CG)),
        "county_qlh": UserFactory(username="county_qlh", role=Role.COUNTY, region=region(QLH)),
        "pref_lz": UserFactory(username="pref_lz", role=Role.PREFECTURE, region=region("620100")),
        "pref_lz2": UserFactory(username="pref_lz2", role=Role.PREFECTURE, region=region("620100")),
        "province": UserFactory(username="province", role=Role.PROVINCE, region=region("620000")),
    }


def work_in(code: str, n: int, *, filer, reviewer) -> None:
    """``n`` items of every kind waiting in county ``code``: filed, requested or submitted by
    ``filer`` (a county clerk), the reviewed claims (double review) reviewed by ``reviewer``."""
    county = region(code)
    union = GrassrootsUnionFactory(region=county)
    double = PlanFactory(review_mode=ReviewMode.DOUBLE)
    today = timezone.localdate()
    for _ in range(n):
        member = MemberFactory(union=GrassrootsUnionFactory(region=region("623001")))
        MembershipTransfer.objects.create(
            member=member,
            from_union=member.union,
            to_union=union,
            transferred_on=dt.date(2024, 1, 1),
            requested_by=filer,
        )
        JoinApplicationFactory(union=union)
        HouseholdFactory(union=union, created_by=filer)  # to visit
        HouseholdFactory(
            union=union, created_by=filer, status=Status.NOTICE, notice_ends_on=today - dt.timedelta(days=1)
        )  # to review
        FiledHouseholdFactory(union=union, created_by=filer)  # its re-check is due
        ClaimFactory(coverage__union=union, submitted_by=filer)  # to review
        ClaimFactory(
            coverage__union=union,
            coverage__plan=double,
            status=ClaimStatus.REVIEWED,
            submitted_by=filer,
            reviewed_by=reviewer,
        )  # to approve, by someone other than the reviewer
        ClaimFactory(coverage__union=union, status=ClaimStatus.APPROVED, submitted_by=filer)  # to pay
        ReliefPaymentFactory(
            region=county, status=ReliefStatus.PENDING, paid_on=None, amount=Decimal("5000"), filed_by=filer
        )  # for the prefecture above to approve
        ReliefPaymentFactory(
            region=county, status=ReliefStatus.APPROVED, paid_on=None, filed_by=filer
        )  # to pay
        RightsCaseFactory(region=county)
        MicroLoanFactory(region=county, granted_on=dt.date(2023, 1, 10), due_on=dt.date(2024, 1, 10))


def home_of(client, user) -> str:
    client.force_login(user)
    resp = client.get(reverse("home"))
    assert resp.status_code == 200
    return resp.content.decode()


def test_anonymous_is_sent_to_the_login(db, client):
    resp = client.get(reverse("home"))
    assert resp.status_code == 302
    assert resp["Location"] == f"{reverse('login')}?next=/"


def test_nothing_waiting_shows_the_empty_state(client, staff):
    html = home_of(client, staff["county_qlh"])
    assert queues_on(html) == {}
    assert 'data-testid="nothing-waits"' in html and "今天没有等待您处理的事项。" in html
    assert "今日待办" in html


def test_a_county_clerk_sees_the_countys_queues_with_counts_and_links(client, staff):
    work_in(CG, 2, filer=staff["cg_clerk"], reviewer=staff["pref_lz"])
    work_in(QLH, 3, filer=staff["county_qlh"], reviewer=staff["pref_lz"])

    shown = queues_on(home_of(client, staff["county_cg"]))

    assert shown == {key: ("2", link(key, name)) for key, name in COUNTY_QUEUES.items()}
    assert "nothing-waits" not in home_of(client, staff["county_cg"])


def test_a_county_never_sees_counts_of_another_countys_items(client, staff):
    work_in(QLH, 3, filer=staff["county_qlh"], reviewer=staff["pref_lz"])

    assert queues_on(home_of(client, staff["county_cg"])) == {}
    # the other county's own clerk filed them all: only what four eyes leaves to them
    qlh = queues_on(home_of(client, staff["county_qlh"]))
    assert {key: count for key, (count, _url) in qlh.items()} == {
        "unions.applications": "3",
        "hardship.step_new": "3",
        "insurance.claims_to_pay": "3",
        "services.relief_to_pay": "3",
        "services.open_cases": "3",
        "services.overdue_loans": "3",
    }
    assert "unions.transfers" not in qlh  # they asked for those transfers themselves
    assert "hardship.rechecks" not in qlh  # nor may they re-check the households they entered


def test_the_prefecture_sees_its_reviews_and_approvals(client, staff):
    work_in(CG, 2, filer=staff["cg_clerk"], reviewer=staff["pref_lz"])
    work_in(QLH, 1, filer=staff["county_qlh"], reviewer=staff["pref_lz"])

    pref = queues_on(home_of(client, staff["pref_lz"]))
    pref2 = queues_on(home_of(client, staff["pref_lz2"]))

    expected = {
        "hardship.reviews": ("3", reverse("hardship:review-queue")),
        "insurance.claims_to_review": ("3", link("insurance.claims_to_review", "insurance:claim-queue")),
        "services.relief_to_approve": ("3", reverse("services:relief-pending")),
        # the worker-services work of the prefecture's counties, as its services overview shows
        "services.relief_to_pay": ("3", link("services.relief_to_pay", "services:relief-list")),
        "services.open_cases": ("3", reverse("services:rightscase-open")),
        "services.overdue_loans": ("3", reverse("services:loan-overdue")),
    }
    assert pref == expected  # pref_lz reviewed the double-review claims: not theirs to approve
    assert pref2 == {
        **expected,
        "insurance.claims_to_approve": ("3", link("insurance.claims_to_approve", "insurance:claim-queue")),
    }
    assert not {"unions.transfers", "insurance.claims_to_pay", "hardship.step_new"} & pref.keys()


def test_a_review_waits_for_the_end_of_the_notice_and_an_open_objection(client, staff):
    union = GrassrootsUnionFactory(region=region(CG))
    today = timezone.localdate()
    HouseholdFactory(union=union, status=Status.NOTICE, notice_ends_on=today)  # notice still runs
    objected = HouseholdFactory(
        union=union, status=Status.NOTICE, notice_ends_on=today + dt.timedelta(days=3)
    )
    hardship_services.household_object(household=objected, user=staff["county_cg"], note="邻居反映有收入")
    HouseholdFactory(union=union, status=Status.NOTICE, notice_ends_on=today - dt.timedelta(days=2))

    assert queues_on(home_of(client, staff["pref_lz"]))["hardship.reviews"][0] == "1"


def test_the_province_sees_its_regions_headline_figures(client, staff):
    year = default_year()
    IndicatorSummary.objects.create(
        year=year,
        region=region("620000"),
        computed_at=timezone.now(),
        indicators={
            "org.unions": 37878,
            "org.members": 3887000,
            "hs.households": 58420,
            "hs.aid_amount": "93900000.50",
            "ins.payout_amount": "1234.50",
            "svc.employment_services": 358721,
            "comp.participating_workers": 99,  # not among the home page's figures
        },
    )

    html = home_of(client, staff["province"])

    assert queues_on(html) == {}
    assert 'data-testid="nothing-waits"' in html
    assert f"甘肃省 · {year}年" in html
    figures = re.findall(
        r'data-code="([^"]+)">\s*<span class="lead">[^<]*</span><br>\s*<span[^>]*>([^<]+)<', html
    )
    assert figures == [
        ("org.unions", "37,878"),
        ("org.members", "3,887,000"),
        ("hs.households", "58,420"),
        ("hs.aid_amount", "93,900,000.50"),
        ("ins.payout_amount", "1,234.50"),
        ("svc.employment_services", "358,721"),
    ]
    assert f'href="{reverse("reports:dashboard")}?region=620000&amp;year={year}"' in html
    # each figure leads to the list behind it
    assert f'href="{reverse("unions:union-list")}?region=620000" data-code="org.unions"' in html


def test_a_county_sees_its_own_countys_figures_and_a_note_before_they_are_computed(client, staff):
    html = home_of(client, staff["county_cg"])
    assert "本地区的统计数字尚未计算：打开数据看板即可计算，之后每晚自动更新。" in html
    assert f'href="{reverse("reports:dashboard")}?region={CG}"' in html
    IndicatorSummary.objects.create(
        year=default_year(), region=region(CG), computed_at=timezone.now(), indicators={"org.members": 605}
    )
    IndicatorSummary.objects.create(
        year=default_year(),
        region=region("620000"),
        computed_at=timezone.now(),
        indicators={"org.members": 1},
    )
    html = home_of(client, staff["county_cg"])
    assert f"城关区 · {default_year()}年" in html and "甘肃省" not in html.split('data-testid="headline"')[1]
    assert re.search(
        r'data-code="org.members">\s*<span class="lead">工会会员数</span><br>\s*<span[^>]*>605<', html
    )


def test_the_home_pages_queries_do_not_grow_with_the_items(client, staff):
    for user in staff.values():
        home_of(client, user)  # warm the per-process caches (content types, sessions)
    work_in(CG, 1, filer=staff["cg_clerk"], reviewer=staff["pref_lz"])
    counted = {}
    for name in ("county_cg", "pref_lz", "province"):
        client.force_login(staff[name])
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("home")).status_code == 200
        counted[name] = len(ctx.captured_queries)

    work_in(CG, 6, filer=staff["cg_clerk"], reviewer=staff["pref_lz"])
    for name in ("county_cg", "pref_lz", "province"):
        client.force_login(staff[name])
        with CaptureQueriesContext(connection) as ctx:
            html = client.get(reverse("home")).content.decode()
        assert len(ctx.captured_queries) == counted[name], name
        assert queues_on(html)  # the counts were read (7 items each)
    assert queues_on(html)["insurance.claims_to_review"][0] == "7"


def test_the_counts_are_what_the_decision_rules_let_each_user_do(client, staff):
    """Four eyes included: every count equals the items the domain's ``DecisionStep`` allows,
    asked row by row as the queue pages do (and the services overview's work)."""
    work_in(CG, 2, filer=staff["cg_clerk"], reviewer=staff["pref_lz"])
    work_in(QLH, 1, filer=staff["county_qlh"], reviewer=staff["pref_lz2"])
    cg_union = GrassrootsUnionFactory(region=region(CG))
    # county_cg asked for this transfer, and changed this application and this payment
    member = MemberFactory(union=GrassrootsUnionFactory(region=region(QLH)))
    MembershipTransfer.objects.create(
        member=member,
        from_union=member.union,
        to_union=cg_union,
        transferred_on=dt.date(2024, 2, 1),
        requested_by=staff["county_cg"],
    )
    application = JoinApplicationFactory(union=cg_union)
    audit.record(application, AuditAction.UPDATE, changes={"phone": ["1", "2"]}, user=staff["county_cg"])
    payment = ReliefPaymentFactory(
        region=township(), status=ReliefStatus.PENDING, paid_on=None, filed_by=staff["cg_clerk"]
    )
    audit.record(payment, AuditAction.UPDATE, changes={"amount": ["1", "2"]}, user=staff["county_cg"])
    # pref_lz submitted a claim of its own (as an administrator would enter one)
    ClaimFactory(coverage__union=cg_union, submitted_by=staff["pref_lz"])

    today = timezone.localdate()
    for name, user in staff.items():
        shown = {key: int(count) for key, (count, _url) in queues_on(home_of(client, user)).items()}
        allowed = {
            "unions.transfers": sum(
                union_decisions.TRANSFER_DECISION.allows(user, t)
                for t in union_selectors.transfer_list(user=user).filter(status=TransferStatus.PENDING)
            ),
            "unions.applications": sum(
                union_decisions.JOIN_DECISION.allows(user, a)
                for a in union_selectors.join_application_list(user=user).filter(
                    status=ApplicationStatus.SUBMITTED
                )
            ),
            "hardship.reviews": sum(
                hardship_services.review_waits(h) is None
                and hardship_decisions.HOUSEHOLD_REVIEW.allows(user, h)
                for h in hardship_selectors.review_queue(user=user)
            ),
            "hardship.rechecks": sum(
                hardship_decisions.HOUSEHOLD_RECHECK.allows(user, h)
                for h in hardship_selectors.recheck_due(user=user)
            ),
        }
        for key, status in (
            ("insurance.claims_to_review", ClaimStatus.SUBMITTED),
            ("insurance.claims_to_approve", ClaimStatus.REVIEWED),
            ("insurance.claims_to_pay", ClaimStatus.APPROVED),
        ):
            allowed[key] = sum(
                claim_decisions.next_step(c).allows(user, c)
                for c in insurance_selectors.claim_list(user=user).filter(status=status)
            )
        overview = {w["key"]: w["count"] for w in services_views.waiting_work(user=user, today=today)}
        allowed.update(
            {
                "services.relief_to_approve": overview["approve"],
                "services.relief_to_pay": overview["pay"],
                "services.open_cases": overview["cases"],
                "services.overdue_loans": overview["loans"],
            }
        )
        assert {k: shown.get(k, 0) for k in allowed} == allowed, name
    # the twists above were seen: each is left to a colleague, never counted for county_cg
    cg = queues_on(home_of(client, staff["county_cg"]))
    clerk = queues_on(home_of(client, staff["cg_clerk"]))
    assert (cg["unions.transfers"][0], clerk["unions.transfers"][0]) == ("2", "1")
    assert (cg["unions.applications"][0], clerk["unions.applications"][0]) == ("2", "3")
    assert "services.relief_to_approve" not in cg and "services.relief_to_approve" not in clerk
    pref, pref2 = (queues_on(home_of(client, staff[n])) for n in ("pref_lz", "pref_lz2"))
    assert pref["services.relief_to_approve"][0] == "4"  # 3 of the counties and the township's
    assert (pref["insurance.claims_to_review"][0], pref2["insurance.claims_to_review"][0]) == ("3", "4")
