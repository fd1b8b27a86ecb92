import datetime as dt

import factory

from apps.core.tests.factories import make_resident_id, region
from apps.core.validators import resident_id_birth_date, resident_id_is_female
from apps.unions.choices import (
    ApplicationStatus,
    ContractKind,
    HouseholdType,
    JoinChannel,
    MemberStatus,
    Sex,
    UnionKind,
)
from apps.unions.models import CollectiveContract, GrassrootsUnion, JoinApplication, Member


class GrassrootsUnionFactory(factory.django.DjangoModelFactory):
    """A union in 620102 (Chengguan) unless told otherwise."""

    class Meta:
        model = GrassrootsUnion

    code = factory.Sequence(lambda n: f"GU{n:06d}")
    name = factory.Sequence(lambda n: f"测试企业工会{n}")
    kind = UnionKind.ENTERPRISE
    region = factory.LazyFunction(lambda: region("620102"))
    founded_on = dt.date(2010, 1, 1)


class MemberFactory(factory.django.DjangoModelFactory):
    """An active member with a valid resident ID; sex and birth date come from the ID."""

    class Meta:
        model = Member

    union = factory.SubFactory(GrassrootsUnionFactory)
    name = factory.Sequence(lambda n: f"会员{n}")
    id_number = factory.LazyAttribute(lambda o: make_resident_id(o.union.region.code))
    sex = factory.LazyAttribute(lambda o: Sex.FEMALE if resident_id_is_female(o.id_number) else Sex.MALE)
    birth_date = factory.LazyAttribute(lambda o: resident_id_birth_date(o.id_number))
    household_type = HouseholdType.URBAN
    joined_on = dt.date(2020, 3, 1)
    join_channel = JoinChannel.OFFLINE
    status = MemberStatus.ACTIVE


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CollectiveContract

    number = factory.Sequence(lambda n: f"HT{n:06d}")
    union = factory.SubFactory(GrassrootsUnionFactory)
    kind = ContractKind.GENERAL
    signed_on = dt.date(2024, 1, 1)
    expires_on = dt.date(2026, 12, 31)
    covered_enterprises = 1
    covered_workers = 120


class JoinApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JoinApplication

    union = factory.SubFactory(GrassrootsUnionFactory)
    name = factory.Sequence(lambda n: f"申请人{n}")
    id_number = factory.LazyAttribute(lambda o: make_resident_id(o.union.region.code))
    phone = "13912345678"
    household_type = HouseholdType.RURAL
    status = ApplicationStatus.SUBMITTED
