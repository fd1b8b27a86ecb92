"""Property-based API testing with schemathesis over every operation of the OpenAPI schema,
as an administrator and as a county user (issue 11): no 5xx, every status code and every
response body as the schema documents it. Bounded (a few examples per operation, no
shrinking) so that CI stays well under its time budget."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from apps.core.choices import Role
from apps.core.tests.factories import UserFactory, region

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "4"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _auth(username: str, role: str, code: str) -> dict[str, str]:
    user = UserFactory(username=username, role=role, region=region(code))
    return {"Authorization": f"Token {Token.objects.create(user=user).key}"}


BOUNDS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)


def _run_every_operation(headers: dict[str, str]) -> tuple[int, dict[str, str]]:
    """Each operation with a few generated requests; the failures of all of them, not only
    the first (one run shows every problem)."""
    from config.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    failures: dict[str, str] = {}
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @BOUNDS
        def run(case):
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS)

        try:
            run()
        except Exception as exc:  # noqa: BLE001 - reported together below
            failures[operation.label] = str(exc)[:2000]
    return operations, failures


def _one_of_each() -> None:
    """A record of every kind in the county user's region, so that lists return rows (and
    their bodies are checked against the schema), with blank optional fields and nulls."""
    from decimal import Decimal

    from apps.competitions.tests.factories import CompetitionFactory, InnovationFactory, ParticipationFactory
    from apps.hardship.tests.factories import DisbursementFactory, FamilyMemberFactory, FiledHouseholdFactory
    from apps.insurance.tests.factories import ClaimFactory, CoverageFactory
    from apps.model_workers.tests.factories import (
        BenefitPaymentFactory,
        HonourFactory,
        InnovationStudioFactory,
        ModelWorkerFactory,
        RecuperationFactory,
        TalkFactory,
    )
    from apps.reports.tests.factories import YearlyReportFactory
    from apps.unions.tests.factories import (
        ContractFactory,
        GrassrootsUnionFactory,
        JoinApplicationFactory,
        MemberFactory,
    )

    county = region("620102")
    union = GrassrootsUnionFactory(region=county)
    member = MemberFactory(union=union, key_group="")
    JoinApplicationFactory(union=union, key_group="")
    ContractFactory(union=union)
    competition = CompetitionFactory(organizer_region=county)
    ParticipationFactory(competition=competition, union=union)
    InnovationFactory(union=union)
    worker = ModelWorkerFactory(union=union)
    HonourFactory(union=union)
    BenefitPaymentFactory(model_worker=worker)
    RecuperationFactory(model_worker=worker)
    InnovationStudioFactory(union=union)
    TalkFactory(region=county)
    household = FiledHouseholdFactory(union=union, head_income=Decimal("800.00"))
    FamilyMemberFactory(household=household)
    DisbursementFactory(household=household)
    ClaimFactory(coverage=CoverageFactory(member=member, union=union))
    YearlyReportFactory(region=county)
    from apps.services.tests import factories as sf

    sf.ReliefPaymentFactory(region=county, jinqiu=True)
    sf.VisitFactory(region=county, enterprise=True)
    sf.VisitFactory(region=county)
    sf.JobFairFactory(region=county)
    sf.EmploymentServiceFactory(region=county)
    sf.TrainingClassFactory(region=county)
    sf.RightsCaseFactory(region=county)
    sf.RightsCaseFactory(region=county, closed=True)
    sf.MicroLoanFactory(region=county)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["admin", "county"])
def test_every_operation_conforms_to_the_schema(who):
    _one_of_each()
    role, code = {"admin": (Role.ADMIN, "620000"), "county": (Role.COUNTY, "620102")}[who]
    # As Django's test client does: a request through the WSGI app must not close the test's
    # database connection (and with it the test's transaction) when it finishes.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        operations, failures = _run_every_operation(_auth(f"st_{who}", role, code))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert operations >= 100
    assert failures == {}, "\n\n".join(f"{k}: {v}" for k, v in failures.items())
