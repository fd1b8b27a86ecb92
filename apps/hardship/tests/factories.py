import datetime as dt
from decimal import Decimal

import factory

from apps.core.tests.factories import make_resident_id, region
from apps.unions.tests.factories import GrassrootsUnionFactory

from ..choices import AidKind, Category, Health, Relation, Status
from ..models import Disbursement, FamilyMember, Household, IdClaim, LivingStandard


class HouseholdFactory(factory.django.DjangoModelFactory):
    """A household at the start of the filing (status new) in a union of 620102."""

    class Meta:
        model = Household

    union = factory.SubFactory(GrassrootsUnionFactory)
    head_name = factory.Sequence(lambda n: f"户主{n}")
    head_id_number = factory.LazyAttribute(lambda o: make_resident_id(o.union.region.code))
    head_income = Decimal("1000.00")
    head_health = Health.HEALTHY
    category = Category.RELATIVE
    causes = "illness"
    status = Status.NEW


class FiledHouseholdFactory(HouseholdFactory):
    """A filed household with its comparison key (as the historical import writes it)."""

    class Meta:
        skip_postgeneration_save = True

    status = Status.FILED
    filed_on = dt.date(2023, 5, 1)
    last_checked_on = dt.date(2023, 5, 1)
    imported = True

    @factory.post_generation
    def claim(obj, create, extracted, **kwargs):
        if create:
            IdClaim.objects.create(id_number=obj.head_id_number, household=obj)


class FamilyMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FamilyMember

    household = factory.SubFactory(HouseholdFactory)
    name = factory.Sequence(lambda n: f"家人{n}")
    id_number = factory.LazyAttribute(lambda o: make_resident_id(o.household.union.region.code))
    relation = Relation.SPOUSE
    monthly_income = Decimal("500.00")
    health = Health.HEALTHY


class DisbursementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Disbursement

    number = factory.Sequence(lambda n: f"BF{n:06d}")
    household = factory.SubFactory(FiledHouseholdFactory)
    kind = AidKind.LIVING
    amount = Decimal("500.00")
    paid_on = dt.date(2024, 3, 1)
    fund_source = "工会经费"


def standard(code: str = "620000", year: int | None = None, amount: str = "800.00") -> LivingStandard:
    from django.utils import timezone

    return LivingStandard.objects.create(
        region=region(code), year=year or timezone.localdate().year, monthly_amount=Decimal(amount)
    )
