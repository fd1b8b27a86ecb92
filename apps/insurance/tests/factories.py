import datetime as dt
from decimal import Decimal

import factory

from apps.unions.tests.factories import GrassrootsUnionFactory, MemberFactory

from ..choices import ClaimStatus, Product
from ..models import Claim, Coverage, Enrollment, Plan


class PlanFactory(factory.django.DjangoModelFactory):
    """An inpatient plan of 2024 (deductible 1000, ratio 0.6, caps 8000 / 15000, fee 60)."""

    class Meta:
        model = Plan

    code = factory.Sequence(lambda n: f"PT{n:05d}")
    year = 2024
    product = Product.INPATIENT
    fee = Decimal("60.00")
    coverage_start = dt.date(2024, 1, 1)
    coverage_end = dt.date(2024, 12, 31)
    deductible = Decimal("1000.00")
    ratio = Decimal("0.6")
    cap_per_claim = Decimal("8000.00")
    cap_per_year = Decimal("15000.00")
    # the claim workflow tests upload no files; the invoice rule (the model default) has its own tests
    invoice_required = False


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    plan = factory.SubFactory(PlanFactory)
    union = factory.SubFactory(GrassrootsUnionFactory)


class CoverageFactory(factory.django.DjangoModelFactory):
    """A covered member; creates the unit's Enrollment row too (as the services do)."""

    class Meta:
        model = Coverage
        skip_postgeneration_save = True

    plan = factory.SubFactory(PlanFactory)
    union = factory.SubFactory(GrassrootsUnionFactory)
    member = factory.LazyAttribute(lambda o: MemberFactory(union=o.union))

    @factory.post_generation
    def enrollment(obj, create, extracted, **kwargs):
        if create:
            Enrollment.objects.get_or_create(plan=obj.plan, union=obj.union)


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim

    number = factory.Sequence(lambda n: f"LPT{n:06d}")
    coverage = factory.SubFactory(CoverageFactory)
    union = factory.LazyAttribute(lambda o: o.coverage.union)
    admitted_on = dt.date(2024, 3, 1)
    discharged_on = dt.date(2024, 3, 10)
    total_expense = Decimal("20000.00")
    basic_insurance_paid = Decimal("8000.00")
    status = ClaimStatus.SUBMITTED
