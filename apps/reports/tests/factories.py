import factory

from apps.core.tests.factories import region
from apps.reports.choices import ReportStatus
from apps.reports.models import YearlyReport


class YearlyReportFactory(factory.django.DjangoModelFactory):
    """A finished report with a snapshot (no files) in 620102 unless told otherwise."""

    class Meta:
        model = YearlyReport
        django_get_or_create = ("year", "region")

    year = 2024
    region = factory.LazyFunction(lambda: region("620102"))
    status = ReportStatus.DONE
    progress = 100
    snapshot = factory.LazyAttribute(
        lambda o: {"year": o.year, "region": o.region.code, "indicators": {"org.unions": 1}, "children": []}
    )
