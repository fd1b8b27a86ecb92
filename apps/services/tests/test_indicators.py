"""The ``svc.*`` indicators (INDICATORS.md) of ``selectors.svc_indicators``, against expectations
built independently: literal figures on records placed on both sides of every boundary (31
December / 1 January, pending until paid, closed on or after year end), distinct residents,
enterprises and households counted once per region however many counties reached them, records
of the prefecture's own level; and a reference count written from INDICATORS.md's wording over a
seeded random data set, compared region by region and year by year."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest

from apps.core.tests.factories import make_resident_id, region
from apps.services import services
from apps.services.choices import (
    CaseKind,
    EmploymentKind,
    Programme,
    RecipientKind,
    ReliefStatus,
    TrainingKind,
    VisitKind,
)
from apps.services.selectors import svc_indicators

from .factories import (
    EmploymentServiceFactory,
    JobFairFactory,
    MicroLoanFactory,
    ReliefPaymentFactory,
    RightsCaseFactory,
    TrainingClassFactory,
    VisitFactory,
    make_credit_code,
    township,
)

pytestmark = pytest.mark.django_db

D = dt.date
CODES = [
    "svc.jinqiu_students",
    "svc.jinqiu_amount",
    "svc.relief_amount",
    "svc.relief_migrant",
    "svc.relief_workers",
    "svc.warmth_enterprises",
    "svc.warmth_households",
    "svc.warmth_amount",
    "svc.job_fairs",
    "svc.job_fair_positions",
    "svc.employment_services",
    "svc.labour_export",
    "svc.placements",
    "svc.trainings",
    "svc.training_attendance",
    "svc.cadre_training_attendance",
    "svc.wage_cases",
    "svc.wage_workers",
    "svc.wage_amount",
    "svc.cases_open",
    "svc.loans",
    "svc.loan_amount",
    "svc.loan_jobs",
]
TOWNSHIP = "620102001"
# Each region of the tests and the regions it counts in (itself and those above it).
COUNTS_IN = {
    "620000": ["620000"],
    "620100": ["620100", "620000"],
    "620102": ["620102", "620100", "620000"],
    TOWNSHIP: [TOWNSHIP, "620102", "620100", "620000"],
    "620103": ["620103", "620100", "620000"],
    "623000": ["623000", "620000"],
    "623001": ["623001", "623000", "620000"],
}


def zeros() -> dict:
    return dict.fromkeys(CODES, 0)


def at(code: str, year: int = 2024) -> dict:
    return svc_indicators(year=year, region=township(code) if len(code) == 9 else region(code))


def where(code: str):
    return township(code) if len(code) == 9 else region(code)


def test_every_code_is_returned_and_zero_when_empty():
    result = at("620000")
    assert result == zeros()
    assert list(result) == CODES


# Year boundaries: 31 December counts in its year, 1 January in the next ----------------------


def test_every_register_counts_31_december_in_its_year_and_1_january_in_the_next():
    for day, n in ((D(2023, 12, 31), 1), (D(2024, 1, 1), 2)):
        ReliefPaymentFactory(
            paid_on=day, amount=Decimal(100 * n), programme=Programme.JINQIU, jinqiu=True,
            recipient_kind=RecipientKind.MIGRANT,
        )  # fmt: skip
        VisitFactory(visited_on=day, amount=Decimal(10 * n))
        VisitFactory(visited_on=day, enterprise=True, amount=Decimal(0))
        JobFairFactory(held_on=day, positions=1000 * n)
        EmploymentServiceFactory(served_on=day, kind=EmploymentKind.LABOUR_EXPORT, placed=True)
        TrainingClassFactory(
            start_date=day, end_date=day + dt.timedelta(days=10), trainees=20 * n, kind=TrainingKind.CADRE
        )
        RightsCaseFactory(
            received_on=D(2023, 6, 1), closed=True, closed_on=day, workers=5 * n, amount_recovered=Decimal(n)
        )
        MicroLoanFactory(granted_on=day, amount=Decimal(50000 * n), jobs_created=3 * n)

    def year(n: int, open_cases: int) -> dict:
        return {
            "svc.jinqiu_students": 1,
            "svc.jinqiu_amount": Decimal(100 * n),
            "svc.relief_amount": Decimal(100 * n),
            "svc.relief_migrant": 1,
            "svc.relief_workers": 1,
            "svc.warmth_enterprises": 1,
            "svc.warmth_households": 1,
            "svc.warmth_amount": Decimal(10 * n),
            "svc.job_fairs": 1,
            "svc.job_fair_positions": 1000 * n,
            "svc.employment_services": 1,
            "svc.labour_export": 1,
            "svc.placements": 1,
            "svc.trainings": 1,
            "svc.training_attendance": 20 * n,
            "svc.cadre_training_attendance": 20 * n,
            "svc.wage_cases": 1,
            "svc.wage_workers": 5 * n,
            "svc.wage_amount": Decimal(n),
            "svc.cases_open": open_cases,
            "svc.loans": 1,
            "svc.loan_amount": Decimal(50000 * n),
            "svc.loan_jobs": 3 * n,
        }

    # at the end of 2023 the case closed on 1 January 2024 was still open
    assert at("620102", 2023) == year(1, open_cases=1)
    assert at("620102", 2024) == year(2, open_cases=0)
    assert at("620102", 2022) == zeros()
    assert at("620102", 2025) == zeros()


def test_a_training_counts_in_the_year_it_starts_a_case_in_the_year_it_closes():
    TrainingClassFactory(start_date=D(2023, 12, 20), end_date=D(2024, 1, 10), trainees=30)
    RightsCaseFactory(received_on=D(2023, 11, 1), closed=True, closed_on=D(2024, 2, 1), workers=7)
    assert (at("620102", 2023)["svc.trainings"], at("620102", 2024)["svc.trainings"]) == (1, 0)
    assert (at("620102", 2023)["svc.wage_cases"], at("620102", 2024)["svc.wage_cases"]) == (0, 1)
    assert at("620102", 2024)["svc.wage_workers"] == 7


# Relief: counted when paid, in the year it is paid ------------------------------------------------


def test_a_payment_above_the_threshold_is_counted_only_once_paid(county_user, prefecture_user):
    # given a payment waiting for approval, filed through the service
    payment = services.relief_create(
        user=county_user,
        number="RL-BIG",
        region=region("620102"),
        id_number=make_resident_id(),
        name="李四",
        programme=Programme.WARMTH,
        recipient_kind=RecipientKind.MIGRANT,
        amount=Decimal("3000.00"),
        paid_on=D(2024, 3, 1),
    )
    ReliefPaymentFactory(amount=Decimal("500.00"), paid_on=D(2024, 2, 1))
    paid_only = {"svc.relief_amount": Decimal("500.00"), "svc.relief_workers": 1, "svc.relief_migrant": 0}

    def relief() -> dict:
        got = at("620100")
        return {code: got[code] for code in paid_only}

    assert relief() == paid_only
    # approved, still not paid: not counted
    services.relief_approve(payment=payment, user=prefecture_user)
    assert relief() == paid_only
    # paid in January 2025: counted in 2025, not in 2024
    services.relief_pay(payment=payment, user=county_user, paid_on=D(2025, 1, 2))
    assert relief() == paid_only
    assert at("620100", 2025)["svc.relief_amount"] == Decimal("3000.00")
    assert at("620100", 2025)["svc.relief_migrant"] == 1


def test_rejected_and_waiting_payments_are_never_counted():
    for status in (ReliefStatus.PENDING, ReliefStatus.APPROVED, ReliefStatus.REJECTED):
        ReliefPaymentFactory(status=status, paid_on=None, amount=Decimal("3000"), jinqiu=True)
    assert at("620000") == zeros()


def test_jinqiu_counts_each_payment_relief_workers_each_resident_once():
    rid = make_resident_id()
    # one worker's two children aided, and a warmth payment to the same worker
    ReliefPaymentFactory(id_number=rid, jinqiu=True, student_name="大女儿", amount=Decimal("3000"))
    ReliefPaymentFactory(id_number=rid, jinqiu=True, student_name="小儿子", amount=Decimal("2000"))
    ReliefPaymentFactory(id_number=rid, amount=Decimal("800"), recipient_kind=RecipientKind.MIGRANT)
    ReliefPaymentFactory(amount=Decimal("200"), programme=Programme.TEMPORARY)
    got = at("620102")
    assert (got["svc.jinqiu_students"], got["svc.jinqiu_amount"]) == (2, Decimal("5000"))
    assert (got["svc.relief_amount"], got["svc.relief_migrant"], got["svc.relief_workers"]) == (
        Decimal("6000"),
        1,
        2,
    )


# Distinct counting across the counties of a prefecture -------------------------------------------


def test_a_resident_paid_in_two_counties_counts_once_in_their_prefecture():
    rid = make_resident_id("620103")
    ReliefPaymentFactory(id_number=rid, region=region("620102"))
    ReliefPaymentFactory(id_number=rid, region=region("620103"))
    ReliefPaymentFactory(region=region("620103"))  # someone else
    workers = {code: at(code)["svc.relief_workers"] for code in ("620102", "620103", "620100", "620000")}
    assert workers == {"620102": 1, "620103": 2, "620100": 2, "620000": 2}
    assert workers["620100"] < workers["620102"] + workers["620103"]
    # payments, not people, for the amounts
    assert at("620100")["svc.relief_amount"] == Decimal("2400.00")


def test_an_enterprise_visited_by_two_counties_counts_once_in_their_prefecture():
    code = make_credit_code()
    VisitFactory(enterprise=True, credit_code=code, region=region("620102"), amount=Decimal("1000"))
    VisitFactory(enterprise=True, credit_code=code, region=region("620103"), amount=Decimal("2000"))
    VisitFactory(enterprise=True, credit_code=code, region=region("620102"), amount=Decimal("300"))
    VisitFactory(enterprise=True, region=region("620102"), amount=Decimal("200"))  # another enterprise
    got = {c: at(c)["svc.warmth_enterprises"] for c in ("620102", "620103", "620100", "620000")}
    assert got == {"620102": 2, "620103": 1, "620100": 2, "620000": 2}
    assert got["620100"] < got["620102"] + got["620103"]
    assert at("620100")["svc.warmth_households"] == 0
    assert at("620100")["svc.warmth_amount"] == Decimal("3500.00")


def test_a_household_visited_by_two_counties_counts_once_in_their_prefecture():
    head = make_resident_id("620102")
    VisitFactory(head_id_number=head, region=region("620102"))
    VisitFactory(head_id_number=head, region=region("620103"))
    VisitFactory(head_id_number=head, region=township(TOWNSHIP))
    got = {c: at(c)["svc.warmth_households"] for c in (TOWNSHIP, "620102", "620103", "620100", "620000")}
    assert got == {TOWNSHIP: 1, "620102": 1, "620103": 1, "620100": 1, "620000": 1}
    assert at("620100")["svc.warmth_enterprises"] == 0


def test_a_visit_outside_the_year_does_not_make_a_household_distinct_again():
    head = make_resident_id("620102")
    VisitFactory(head_id_number=head, visited_on=D(2023, 12, 31))
    VisitFactory(head_id_number=head, visited_on=D(2024, 1, 1))
    assert (at("620102", 2023)["svc.warmth_households"], at("620102", 2024)["svc.warmth_households"]) == (
        1,
        1,
    )


# Rights cases open at year end -------------------------------------------------------------------


def test_cases_open_at_year_end():
    RightsCaseFactory(received_on=D(2024, 3, 1), closed=True, closed_on=D(2025, 1, 1))  # open at end: yes
    RightsCaseFactory(received_on=D(2024, 3, 1), closed=True, closed_on=D(2024, 12, 31))  # closed on it: no
    RightsCaseFactory(received_on=D(2024, 12, 31))  # received on year end, open: yes
    RightsCaseFactory(received_on=D(2025, 1, 1))  # received after: no
    RightsCaseFactory(received_on=D(2020, 5, 1), kind=CaseKind.WORK_INJURY)  # long open, any kind: yes
    RightsCaseFactory(received_on=D(2019, 5, 1), closed=True, closed_on=D(2023, 6, 1))  # closed before: no
    assert at("620102", 2024)["svc.cases_open"] == 3
    # at the end of 2023 only the one of 2020 (2019's closed in June 2023); of 2019 only 2019's
    assert (at("620102", 2023)["svc.cases_open"], at("620102", 2019)["svc.cases_open"]) == (1, 1)
    # at the end of 2025: 2020's, the one received on 31 Dec 2024 and the one of 1 Jan 2025
    assert at("620102", 2025)["svc.cases_open"] == 3
    # a county counts its own; the prefecture and the province count them too
    assert (at("620103", 2024)["svc.cases_open"], at("620100", 2024)["svc.cases_open"]) == (0, 3)


def test_only_wage_arrears_cases_count_as_wage_cases():
    for kind in CaseKind.values:
        RightsCaseFactory(kind=kind, closed=True, workers=10, amount_recovered=Decimal("100"))
    got = at("620102")
    assert (got["svc.wage_cases"], got["svc.wage_workers"], got["svc.wage_amount"]) == (1, 10, Decimal("100"))
    assert got["svc.cases_open"] == 0


# Records of the prefecture's own level ---------------------------------------------------------


def test_records_of_the_prefecture_count_in_it_and_the_province_not_in_a_county():
    for factory, extra in (
        (ReliefPaymentFactory, {}),
        (VisitFactory, {}),
        (JobFairFactory, {}),
        (EmploymentServiceFactory, {}),
        (TrainingClassFactory, {}),
        (RightsCaseFactory, {"closed": True}),
        (MicroLoanFactory, {}),
    ):
        factory(region=region("620100"), **extra)
    one_of_each = {
        "svc.relief_amount": Decimal("800.00"),
        "svc.relief_workers": 1,
        "svc.warmth_households": 1,
        "svc.job_fairs": 1,
        "svc.employment_services": 1,
        "svc.trainings": 1,
        "svc.wage_cases": 1,
        "svc.loans": 1,
    }
    for code, expected in (("620100", True), ("620000", True), ("620102", False), ("620103", False)):
        got = at(code)
        assert {k: got[k] for k in one_of_each} == (
            one_of_each if expected else dict.fromkeys(one_of_each, 0)
        ), code
    assert at("623000") == zeros()


# A reference count from INDICATORS.md, over a seeded random data set --------------------------------

YEARS = (2023, 2024, 2025)


def _day(rng: random.Random) -> dt.date:
    # dates that crowd the year boundaries
    year = rng.choice(YEARS)
    return rng.choice([D(year, 1, 1), D(year, 12, 31), D(year, rng.randint(1, 12), rng.randint(1, 28))])


def _build(rng: random.Random) -> dict[str, list[dict]]:
    """Records as plain dicts (the reference reads these), each also written with its factory."""
    people = [make_resident_id("620102", rng=rng) for _ in range(6)]
    enterprises = [make_credit_code(rng) for _ in range(4)]
    codes = list(COUNTS_IN)
    data: dict[str, list[dict]] = {
        k: [] for k in ("relief", "visits", "fairs", "jobs", "trainings", "cases", "loans")
    }
    for i in range(40):
        status = rng.choice([ReliefStatus.PAID] * 3 + [ReliefStatus.PENDING, ReliefStatus.REJECTED])
        jinqiu = rng.random() < 0.4
        r = {
            "region": rng.choice(codes), "id": rng.choice(people), "status": status,
            "paid_on": _day(rng) if status == ReliefStatus.PAID else None,
            "programme": Programme.JINQIU if jinqiu else rng.choice([Programme.WARMTH, Programme.TEMPORARY]),
            "kind": rng.choice(RecipientKind.values), "amount": Decimal(rng.randint(1, 400000)) / 100,
        }  # fmt: skip
        data["relief"].append(r)
        ReliefPaymentFactory(
            number=f"R{i}", region=where(r["region"]), id_number=r["id"], status=status, paid_on=r["paid_on"],
            recipient_kind=r["kind"], amount=r["amount"], jinqiu=jinqiu,
            **({} if jinqiu else {"programme": r["programme"]}),
        )  # fmt: skip
        enterprise = rng.random() < 0.5
        v = {
            "region": rng.choice(codes), "on": _day(rng), "kind": VisitKind.ENTERPRISE if enterprise else VisitKind.HOUSEHOLD,
            "code": rng.choice(enterprises) if enterprise else "", "head": "" if enterprise else rng.choice(people),
            "amount": Decimal(rng.randint(0, 100000)) / 100,
        }  # fmt: skip
        data["visits"].append(v)
        VisitFactory(
            number=f"V{i}", region=where(v["region"]), visited_on=v["on"], kind=v["kind"], credit_code=v["code"],
            head_id_number=v["head"], amount=v["amount"],
        )  # fmt: skip
        f = {"region": rng.choice(codes), "on": _day(rng), "positions": rng.randint(0, 500)}
        data["fairs"].append(f)
        JobFairFactory(number=f"F{i}", region=where(f["region"]), held_on=f["on"], positions=f["positions"])
        j = {
            "region": rng.choice(codes), "on": _day(rng), "kind": rng.choice(EmploymentKind.values),
            "placed": rng.random() < 0.5,
        }  # fmt: skip
        data["jobs"].append(j)
        EmploymentServiceFactory(
            number=f"J{i}", region=where(j["region"]), served_on=j["on"], kind=j["kind"], placed=j["placed"]
        )
        t = {"region": rng.choice(codes), "on": _day(rng), "kind": rng.choice(TrainingKind.values),
             "trainees": rng.randint(0, 200)}  # fmt: skip
        data["trainings"].append(t)
        TrainingClassFactory(
            number=f"T{i}", region=where(t["region"]), start_date=t["on"],
            end_date=t["on"] + dt.timedelta(days=rng.randint(0, 40)), kind=t["kind"], trainees=t["trainees"],
        )  # fmt: skip
        received = _day(rng)
        closed_on = received + dt.timedelta(days=rng.randint(0, 500)) if rng.random() < 0.6 else None
        c = {
            "region": rng.choice(codes), "received": received, "closed": closed_on,
            "kind": rng.choice(CaseKind.values), "workers": rng.randint(0, 50),
            "amount": Decimal(rng.randint(0, 10000000)) / 100,
        }  # fmt: skip
        data["cases"].append(c)
        RightsCaseFactory(
            number=f"C{i}", region=where(c["region"]), received_on=received, closed_on=closed_on,
            status="closed" if closed_on else rng.choice(["received", "in_progress"]), kind=c["kind"],
            workers=c["workers"], amount_recovered=c["amount"],
        )  # fmt: skip
        granted = _day(rng)
        loan = {"region": rng.choice(codes), "on": granted, "amount": Decimal(rng.randint(100, 30000000)) / 100,
                "jobs": rng.randint(0, 20)}  # fmt: skip
        data["loans"].append(loan)
        MicroLoanFactory(
            number=f"L{i}", region=where(loan["region"]), granted_on=granted, amount=loan["amount"],
            jobs_created=loan["jobs"],
        )  # fmt: skip
    return data


def _reference(data: dict[str, list[dict]], code: str, year: int) -> dict:
    """INDICATORS.md's svc.* rows, read literally, over the plain records."""

    def here(rows):
        return [r for r in rows if code in COUNTS_IN[r["region"]]]

    def in_year(day):
        return day is not None and day.year == year

    end = D(year, 12, 31)
    paid = [r for r in here(data["relief"]) if r["status"] == ReliefStatus.PAID and in_year(r["paid_on"])]
    jinqiu = [r for r in paid if r["programme"] == Programme.JINQIU]
    visits = [v for v in here(data["visits"]) if in_year(v["on"])]
    fairs = [f for f in here(data["fairs"]) if in_year(f["on"])]
    jobs = [j for j in here(data["jobs"]) if in_year(j["on"])]
    trainings = [t for t in here(data["trainings"]) if in_year(t["on"])]
    wage = [c for c in here(data["cases"]) if c["kind"] == CaseKind.WAGE_ARREARS and in_year(c["closed"])]
    loans = [loan for loan in here(data["loans"]) if in_year(loan["on"])]
    return {
        "svc.jinqiu_students": len(jinqiu),
        "svc.jinqiu_amount": sum(r["amount"] for r in jinqiu),
        "svc.relief_amount": sum(r["amount"] for r in paid),
        "svc.relief_migrant": sum(1 for r in paid if r["kind"] == RecipientKind.MIGRANT),
        "svc.relief_workers": len({r["id"] for r in paid}),
        "svc.warmth_enterprises": len({v["code"] for v in visits if v["kind"] == VisitKind.ENTERPRISE}),
        "svc.warmth_households": len({v["head"] for v in visits if v["kind"] == VisitKind.HOUSEHOLD}),
        "svc.warmth_amount": sum(v["amount"] for v in visits),
        "svc.job_fairs": len(fairs),
        "svc.job_fair_positions": sum(f["positions"] for f in fairs),
        "svc.employment_services": len(jobs),
        "svc.labour_export": sum(1 for j in jobs if j["kind"] == EmploymentKind.LABOUR_EXPORT),
        "svc.placements": sum(1 for j in jobs if j["placed"]),
        "svc.trainings": len(trainings),
        "svc.training_attendance": sum(t["trainees"] for t in trainings),
        "svc.cadre_training_attendance": sum(
            t["trainees"] for t in trainings if t["kind"] == TrainingKind.CADRE
        ),
        "svc.wage_cases": len(wage),
        "svc.wage_workers": sum(c["workers"] for c in wage),
        "svc.wage_amount": sum(c["amount"] for c in wage),
        "svc.cases_open": sum(
            1
            for c in here(data["cases"])
            if c["received"] <= end and (c["closed"] is None or c["closed"] > end)
        ),
        "svc.loans": len(loans),
        "svc.loan_amount": sum(loan["amount"] for loan in loans),
        "svc.loan_jobs": sum(loan["jobs"] for loan in loans),
    }


@pytest.mark.parametrize("seed", [2024, 7])
def test_every_indicator_matches_the_reference_in_every_region_and_year(seed):
    data = _build(random.Random(seed))
    for code in COUNTS_IN:
        for year in (2022, *YEARS, 2026):
            assert at(code, year) == _reference(data, code, year), (code, year)
    # the data set holds what the boundaries are about
    assert any(r["status"] != ReliefStatus.PAID for r in data["relief"])
    assert any(c["closed"] and c["closed"].year > c["received"].year for c in data["cases"])
