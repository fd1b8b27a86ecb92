import datetime as dt

import pytest

from apps.core.tests.factories import make_resident_id, region
from apps.unions.choices import ContractKind, HouseholdType, JoinChannel, UnionKind
from apps.unions.tests.factories import ContractFactory, GrassrootsUnionFactory, MemberFactory

ORG_AND_FAKE = ["apps.unions.selectors.org_indicators", "apps.reports.tests.fake_sources.fake_indicators"]


@pytest.fixture(autouse=True)
def _sources_and_media(settings, tmp_path):
    """Reports tests read the unions selector plus a stand-in with amounts (the other domains
    are tested in their apps); files go to a temporary media folder; tasks run in the test's
    own transaction (eagerly) even when REDIS_URL is set; test_worker_lost uses real workers."""
    from config.celery import app

    settings.REPORTS_INDICATOR_SOURCES = ORG_AND_FAKE
    settings.MEDIA_ROOT = tmp_path / "media"
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


@pytest.fixture
def data(db):
    return _build_data()


def _build_data():
    """Unions and members in two Lanzhou counties and in Gannan, on both sides of 2024's year end.

    Every figure the tests expect follows from these rows (test_indicators spells them out);
    the members' sex is fixed through their resident IDs, which the factory would draw at random.
    """
    cg, qlh, hz = region("620102"), region("620103"), region("623001")
    u1 = GrassrootsUnionFactory(region=cg, founded_on=dt.date(2015, 5, 1), congress_since=dt.date(2020, 1, 1))
    u2 = GrassrootsUnionFactory(region=qlh, founded_on=dt.date(2024, 12, 31), kind=UnionKind.ENTERPRISE)
    u3 = GrassrootsUnionFactory(region=hz, founded_on=dt.date(2025, 1, 1))
    u4 = GrassrootsUnionFactory(
        region=cg, kind=UnionKind.TOWNSHIP, founded_on=dt.date(2010, 1, 1), normalized_year=2024
    )
    MemberFactory(
        union=u1,
        id_number=make_resident_id(cg.code, female=True),
        joined_on=dt.date(2024, 3, 1),
        household_type=HouseholdType.RURAL,
    )
    MemberFactory(
        union=u1,
        id_number=make_resident_id(cg.code, female=False),
        joined_on=dt.date(2020, 3, 1),
        left_on=dt.date(2024, 12, 31),
        status="left",
    )
    MemberFactory(
        union=u1,
        id_number=make_resident_id(cg.code, female=False),
        joined_on=dt.date(2023, 3, 1),
        join_channel=JoinChannel.ONLINE,
    )
    MemberFactory(
        union=u2,
        id_number=make_resident_id(qlh.code, female=True),
        joined_on=dt.date(2024, 12, 31),
        key_group="courier",
    )
    MemberFactory(union=u3, id_number=make_resident_id(hz.code, female=True), joined_on=dt.date(2025, 1, 1))
    MemberFactory(union=u4, id_number=make_resident_id(cg.code, female=False), joined_on=dt.date(2024, 6, 1))
    ContractFactory(union=u1, kind=ContractKind.SAFETY, signed_on=dt.date(2024, 1, 1), covered_workers=80)
    ContractFactory(
        union=u2, kind=ContractKind.WAGE, signed_on=dt.date(2024, 12, 31), expires_on=dt.date(2027, 1, 1)
    )
    return {"unions": [u1, u2, u3, u4]}
