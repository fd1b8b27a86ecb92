"""The authorization matrix, generated from the OpenAPI schema (issue 11): every operation ×
(anonymous, a county user of another county, a prefecture user of another prefecture, a
grassroots union user of another county, the rightful county user), on a record in county 620102. Outside the scope is a 404 and nothing
changes; anonymous is refused; the rightful user reads it. A new endpoint is covered without
anyone writing a test — the test only needs to know how to make its kind of record
(``MAKERS``), and fails, naming the model, when it does not."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.forms.models import model_to_dict
from django.urls import resolve
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from apps.core.choices import Role
from apps.core.tests.factories import UserFactory, region

OWN = "620102"  # 城关区 (Lanzhou)
OTHER_COUNTY = "620103"  # 七里河区 (Lanzhou)
OTHER_PREFECTURE = "623000"  # 甘南州
UNSAFE = ("post", "put", "patch", "delete")
# Doors that take no record (tested on their own: apps/core/tests/test_lockout.py).
PUBLIC = {"/api/v1/auth/token/"}

# Records that every user may read by design, with the reason (they hold no county's data).
SHARED = {
    "Region": "administrative divisions are reference data shown to every user",
    "Plan": "insurance plans are provincial products that every county enrolls in; only the province changes them",
}
GHOST = 999_999_999  # an id that exists nowhere


def _makers() -> dict[str, Any]:
    from apps.competitions.tests.factories import CompetitionFactory, InnovationFactory, ParticipationFactory
    from apps.hardship.tests.factories import DisbursementFactory, FamilyMemberFactory, FiledHouseholdFactory
    from apps.insurance.tests.factories import ClaimFactory, CoverageFactory, EnrollmentFactory, PlanFactory
    from apps.model_workers.tests.factories import (
        BenefitPaymentFactory,
        HonourFactory,
        InnovationStudioFactory,
        ModelWorkerFactory,
        RecuperationFactory,
        TalkFactory,
    )
    from apps.reports.tests.factories import YearlyReportFactory
    from apps.services.choices import ReliefStatus
    from apps.services.tests import factories as sf
    from apps.unions.tests.factories import (
        ContractFactory,
        GrassrootsUnionFactory,
        JoinApplicationFactory,
        MemberFactory,
    )

    def union(r):
        return GrassrootsUnionFactory(region=r)

    def transfer(r):
        import datetime as dt

        from apps.unions.services import member_transfer

        # transfers belong to the receiving union's region: one into r, from a third
        # prefecture (武威市凉州区), so that neither outsider is a party to it
        return member_transfer(
            member=MemberFactory(union=GrassrootsUnionFactory(region=region("620602"))),
            to_union=union(r),
            transferred_on=dt.date(2024, 5, 1),
            reason="工作调动",
            user=None,
        )

    def report(r):
        from apps.reports.services import report_generate

        return report_generate(report_id=YearlyReportFactory(region=r, year=2024).pk)

    return {
        "GrassrootsUnion": union,
        "Member": lambda r: MemberFactory(union=union(r)),
        "MembershipTransfer": transfer,
        "JoinApplication": lambda r: JoinApplicationFactory(union=union(r)),
        "CollectiveContract": lambda r: ContractFactory(union=union(r)),
        "Competition": lambda r: CompetitionFactory(organizer_region=r),
        "Participation": lambda r: ParticipationFactory(
            competition=CompetitionFactory(organizer_region=r), union=union(r)
        ),
        "InnovationAchievement": lambda r: InnovationFactory(union=union(r)),
        "ModelWorker": lambda r: ModelWorkerFactory(union=union(r)),
        "Honour": lambda r: HonourFactory(union=union(r)),
        "BenefitPayment": lambda r: BenefitPaymentFactory(model_worker=ModelWorkerFactory(union=union(r))),
        "Recuperation": lambda r: RecuperationFactory(model_worker=ModelWorkerFactory(union=union(r))),
        "InnovationStudio": lambda r: InnovationStudioFactory(union=union(r)),
        "Talk": lambda r: TalkFactory(region=r),
        "Household": lambda r: FiledHouseholdFactory(union=union(r), head_income=Decimal("800.00")),
        "FamilyMember": lambda r: FamilyMemberFactory(household=FiledHouseholdFactory(union=union(r))),
        "Disbursement": lambda r: DisbursementFactory(household=FiledHouseholdFactory(union=union(r))),
        "Plan": lambda r: (
            PlanFactory(region=r) if hasattr(PlanFactory._meta.model, "region") else PlanFactory()
        ),
        "Enrollment": lambda r: EnrollmentFactory(union=union(r)),
        "Coverage": lambda r: CoverageFactory(member=MemberFactory(union=union(r))),
        "Claim": lambda r: ClaimFactory(coverage=CoverageFactory(member=MemberFactory(union=union(r)))),
        "YearlyReport": report,
        # a pending payment, so that the decision actions have something to decide
        "ReliefPayment": lambda r: sf.ReliefPaymentFactory(
            region=r, status=ReliefStatus.PENDING, paid_on=None, amount=Decimal("3000.00")
        ),
        "Visit": lambda r: sf.VisitFactory(region=r),
        "JobFair": lambda r: sf.JobFairFactory(region=r),
        "EmploymentService": lambda r: sf.EmploymentServiceFactory(region=r),
        "TrainingClass": lambda r: sf.TrainingClassFactory(region=r),
        "RightsCase": lambda r: sf.RightsCaseFactory(region=r),
        "MicroLoan": lambda r: sf.MicroLoanFactory(region=r),
        "Region": lambda r: r,
        "AuditEntry": _audit_entry,
        "Attachment": _attachment,
        "ChangeRequest": _change_request,
    }


def _change_request(r):
    import datetime as dt

    from apps.core.tests.factories import make_resident_id
    from apps.unions.services import member_register
    from apps.unions.tests.factories import GrassrootsUnionFactory

    union = GrassrootsUnionFactory(region=r)
    proposer = UserFactory(role=Role.UNION, region=r, union=union)
    return member_register(
        user=proposer,
        union=union,
        name="申请人",
        id_number=make_resident_id(),
        household_type="urban",
        joined_on=dt.date(2024, 3, 1),
        join_channel="offline",
    )


def _union_user(r):
    from apps.unions.tests.factories import GrassrootsUnionFactory

    union = GrassrootsUnionFactory(region=r)
    return UserFactory(username="m_union", role=Role.UNION, region=r, union=union)


def _attachment(r):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from apps.core.attachments import attachment_add
    from apps.insurance.tests.factories import ClaimFactory, CoverageFactory
    from apps.unions.tests.factories import GrassrootsUnionFactory, MemberFactory

    claim = ClaimFactory(
        coverage=CoverageFactory(member=MemberFactory(union=GrassrootsUnionFactory(region=r)))
    )
    pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    return attachment_add(record=claim, file=SimpleUploadedFile("a.pdf", pdf), kind="invoice", user=None)


def _audit_entry(r):
    from apps.core import audit
    from apps.core.choices import AuditAction
    from apps.unions.tests.factories import GrassrootsUnionFactory

    return audit.record(GrassrootsUnionFactory(region=r), AuditAction.UPDATE, changes={"name": ["a", "b"]})


def _operations() -> list[tuple[str, str, dict]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    out = []
    for path, item in schema["paths"].items():
        for method, op in item.items():
            if method in ("get", *UNSAFE):
                out.append((method, path, op))
    return out


def _model_of(path: str, op: dict):
    view = resolve(_fill(path, op, 1)).func
    queryset = getattr(view.cls, "queryset", None)
    return None if queryset is None else queryset.model


def _fill(path: str, op: dict, pk: Any) -> str:
    def value(match):
        name = match.group(1)
        if name in ("id", "pk"):
            return str(pk)
        param = next(p for p in op.get("parameters", []) if p["name"] == name)
        return str(param["schema"].get("enum", ["x"])[0])

    return re.sub(r"\{([^}]+)\}", value, path)


def _state(obj) -> tuple[bool, dict]:
    model = type(obj)
    fresh = model._base_manager.filter(pk=obj.pk).first()
    return fresh is not None, (model_to_dict(fresh) if fresh is not None else {})


def _call(client: APIClient, method: str, url: str):
    return getattr(client, method)(url, {}, format="json") if method in UNSAFE else client.get(url)


def _client(user=None) -> APIClient:
    c = APIClient()
    if user is not None:
        c.force_authenticate(user)
    return c


@pytest.mark.django_db
def test_authorization_matrix(request):
    makers = _makers()
    own_region = region(OWN)
    owner = UserFactory(username="m_owner", role=Role.COUNTY, region=own_region)
    outsiders = {
        "other county": UserFactory(username="m_county", role=Role.COUNTY, region=region(OTHER_COUNTY)),
        "other prefecture": UserFactory(
            username="m_prefecture", role=Role.PREFECTURE, region=region(OTHER_PREFECTURE)
        ),
        "union of another county": _union_user(region(OTHER_COUNTY)),
    }
    problems: list[str] = []
    cases = 0
    records: dict[type, Any] = {}

    for method, path, op in _operations():
        model = _model_of(path, op)
        if model is None:
            if path not in PUBLIC:
                problems.append(f"{method.upper()} {path}: no queryset; not a record endpoint?")
            continue
        if model.__name__ not in makers:
            problems.append(f"{method.upper()} {path}: no maker for {model.__name__} in MAKERS")
            continue
        shared = model.__name__ in SHARED
        detail = "{id}" in path or "{pk}" in path
        if detail:
            # a fresh record per unsafe operation: an earlier allowed write must not hide a leak
            if method in UNSAFE or model not in records:
                records[model] = makers[model.__name__](own_region)
            obj = records[model]
            url = _fill(path, op, obj.pk)
        else:
            obj = records.get(model) or makers[model.__name__](own_region)
            records[model] = obj
            url = path

        # anonymous: refused, nothing changed
        before = _state(obj)
        r = _call(_client(), method, url)
        cases += 1
        if r.status_code not in (401, 403):
            problems.append(f"{method.upper()} {url} anonymous: {r.status_code}")
        if _state(obj) != before:
            problems.append(f"{method.upper()} {url} anonymous changed the record")

        # users of another county and another prefecture
        for who, user in outsiders.items():
            before = _state(obj)
            r = _call(_client(user), method, url)
            cases += 1
            if detail and not shared:
                # 404; or a refusal of the role that is the same for a record that does not
                # exist (a read-only role writing), so the record's existence is not revealed
                if r.status_code != 404:
                    ghost = _call(_client(user), method, _fill(path, op, GHOST)).status_code
                    if not (r.status_code == 403 and ghost == 403):
                        problems.append(f"{method.upper()} {url} {who}: {r.status_code}, not 404")
            elif detail and shared and method in UNSAFE and r.status_code < 400:
                problems.append(f"{method.upper()} {url} {who}: {r.status_code} on a shared record")
            elif not detail and method == "get" and r.status_code == 200 and not shared:
                ids = {str(row.get("id")) for row in r.json().get("results", [])}
                if str(obj.pk) in ids:
                    problems.append(f"GET {url} {who}: lists the record of {OWN}")
            if _state(obj) != before:
                problems.append(f"{method.upper()} {url} {who} changed the record")

        # the rightful user reads the record
        if method == "get":
            r = _call(_client(owner), method, url)
            cases += 1
            if r.status_code != 200:
                problems.append(f"GET {url} owner: {r.status_code}")

    request.config.cache_authorization_cases = cases  # reported in docs/reliability.md
    print(f"\nauthorization matrix: {cases} cases over {len(_operations())} operations")
    assert problems == [], "\n".join(problems)
    assert cases >= 400
