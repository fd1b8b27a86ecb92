"""The dashboards follow writes and imports: the summaries of the regions written to, and of
the regions above them, are marked stale and recomputed by one task a few minutes later
(debounced: one pending task per region and year), when REPORTS_REFRESH_ON_WRITE is on."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from apps.core.models import Region
from apps.core.tests.factories import region
from apps.reports import indicators, services, tasks
from apps.reports.models import IndicatorSummary
from apps.unions import services as unions
from apps.unions.models import GrassrootsUnion

TASK = tasks.indicator_summaries_refresh_pending_task


@pytest.fixture(autouse=True)
def _no_marks(db):
    """No stale marks from another test (only ours: the cache may be the broker's Redis too)."""

    def unmark():
        ids = Region.objects.filter(level__in=services.SUMMARY_LEVELS).values_list("pk", flat=True)
        cache.delete_many(
            [services._pending_key(r, y) for r in ids for y in range(years()[0] - 1, years()[1] + 2)]
        )

    unmark()
    yield
    unmark()


@pytest.fixture
def on(settings):
    settings.REPORTS_REFRESH_ON_WRITE = True
    settings.REPORTS_REFRESH_DELAY_SECONDS = 240


@pytest.fixture
def task_runs(monkeypatch):
    """Each run of the refresh task: the pairs it was given."""
    runs = []
    real = services.summary_refresh_pending

    def spy(*, pairs):
        runs.append(sorted(tuple(p) for p in pairs))
        return real(pairs=pairs)

    monkeypatch.setattr(services, "summary_refresh_pending", spy)
    return runs


@pytest.fixture
def queued(monkeypatch):
    """A worker's broker: the task is queued (kept here), not run."""
    sent = []
    monkeypatch.setattr(TASK, "apply_async", lambda **kw: sent.append(kw))
    return sent


def years():
    year = timezone.localdate().year
    return [year - 1, year]


def chain(code):
    """The county, its prefecture and the province: whose summaries a county's write changes."""
    county = region(code)
    return [county.pk, county.parent.pk, county.parent.parent.pk]


def new_union(code, reg, user):
    return unions.union_create(
        code=code,
        name=f"工会{code}",
        kind="enterprise",
        region=reg,
        founded_on=dt.date(2020, 1, 1),
        user=user,
    )


def test_a_burst_of_writes_in_a_county_recomputes_it_and_its_ancestors_once(
    data, on, task_runs, county_user, django_capture_on_commit_callbacks
):
    # given no summaries yet; when one request writes three unions in Chengguan (eager: no worker)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for code in ("W1", "W2", "W3"):
            new_union(code, region("620102"), county_user)
    # then one task run recomputed Chengguan, Lanzhou and Gansu for last year and this year
    assert task_runs == [sorted((r, y) for r in chain("620102") for y in years())]
    stored = {
        (s.region.code, s.year): s.indicators for s in IndicatorSummary.objects.select_related("region")
    }
    assert sorted(stored) == sorted((c, y) for c in ("620000", "620100", "620102") for y in years())
    this_year = years()[1]
    assert stored[("620102", this_year)] == indicators.compute(year=this_year, region=region("620102"))
    assert stored[("620102", this_year)]["org.unions"] == 5  # two from the data and the three new
    # and nothing waits any more
    assert all(cache.get(services._pending_key(r, y)) is None for r in chain("620102") for y in years())


def test_writes_while_a_refresh_is_pending_are_left_to_it(
    data, on, queued, county_user, other_county_user, django_capture_on_commit_callbacks
):
    # given a worker: the first write schedules the refresh four minutes later
    with django_capture_on_commit_callbacks(execute=True):
        new_union("W1", region("620102"), county_user)
    assert len(queued) == 1
    assert queued[0]["countdown"] == 240
    pairs = queued[0]["kwargs"]["pairs"]
    assert sorted(map(tuple, pairs)) == sorted((r, y) for r in chain("620102") for y in years())
    assert services.summary_pending_since(region=region("620102"), year=years()[1]) is not None
    # when more writes follow, in the county and in its neighbour, before the task runs
    for code in ("W2", "W3"):
        with django_capture_on_commit_callbacks(execute=True):
            new_union(code, region("620102"), county_user)
    with django_capture_on_commit_callbacks(execute=True):
        new_union("W4", region("620103"), other_county_user)
    # then only the neighbour county is new: Lanzhou and Gansu are already pending
    assert len(queued) == 2
    assert sorted(map(tuple, queued[1]["kwargs"]["pairs"])) == sorted(
        (region("620103").pk, y) for y in years()
    )
    # when the task runs, it unmarks first: the next write schedules the next refresh
    assert services.summary_refresh_pending(pairs=pairs) == 6
    with django_capture_on_commit_callbacks(execute=True):
        new_union("W5", region("620102"), county_user)
    assert len(queued) == 3
    assert sorted(map(tuple, queued[2]["kwargs"]["pairs"])) == sorted(map(tuple, pairs))


def test_with_the_setting_off_nothing_runs(
    data, settings, task_runs, queued, county_user, django_capture_on_commit_callbacks
):
    settings.REPORTS_REFRESH_ON_WRITE = False
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        new_union("W1", region("620102"), county_user)
    assert GrassrootsUnion.objects.filter(code="W1").exists()
    assert callbacks == []  # nothing collected, nothing to do on commit
    assert (task_runs, queued) == ([], [])
    assert IndicatorSummary.objects.count() == 0
    assert services.summary_pending_since(region=region("620102"), year=years()[1]) is None
    assert services.summaries_changed([region("620102").pk], years()) == []


def test_the_setting_is_off_by_default_and_on_in_production():
    from pathlib import Path

    from django.conf import settings as django_settings

    assert django_settings.REPORTS_REFRESH_ON_WRITE is False
    production = (Path(django_settings.BASE_DIR) / "config" / "settings" / "production.py").read_text()
    assert 'REPORTS_REFRESH_ON_WRITE = env.bool("REPORTS_REFRESH_ON_WRITE", default=True)' in production


def test_a_refused_broker_unmarks_and_the_write_stands(
    data, on, monkeypatch, county_user, django_capture_on_commit_callbacks
):
    def refuse(**kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(TASK, "apply_async", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        new_union("W1", region("620102"), county_user)
    assert GrassrootsUnion.objects.filter(code="W1").exists()
    assert services.summary_pending_since(region=region("620102"), year=years()[1]) is None


def test_only_regions_with_summaries_and_sensible_years_are_marked(db, on, queued):
    township = region("620102").children.first()
    ids = [township.pk] if township else []
    new = services.summaries_changed([*ids, region("620102").pk], [1800, years()[1], years()[1] + 1])
    assert sorted(map(tuple, new)) == sorted((r, years()[1]) for r in chain("620102"))


def test_the_refresh_task_is_late_acked_and_time_limited():
    assert TASK.acks_late is True
    assert TASK.reject_on_worker_lost is True
    assert TASK.time_limit == tasks.TIME_LIMIT


def test_an_import_job_refreshes_once(
    data, on, task_runs, settings, tmp_path, county_user, django_capture_on_commit_callbacks
):
    import csv
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile

    from apps.core.import_jobs import import_job_confirm, import_job_create, import_job_run
    from apps.core.importing import get_resource
    from apps.core.tests.factories import make_resident_id

    settings.MEDIA_ROOT = tmp_path
    union = data["unions"][0]  # in Chengguan
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["姓名", "身份证号", "工会编码", "户籍类型", "入会日期", "入会方式"])
    for i in range(4):
        rid = make_resident_id(birth=dt.date(1985, 1, 1) + dt.timedelta(days=i))
        writer.writerow([f"导入{i}", rid, union.code, "城镇", "2024-01-02", "线下"])
    upload = SimpleUploadedFile("会员.csv", buf.getvalue().encode("utf-8-sig"), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=False):
        job = import_job_create(
            user=county_user, resource=get_resource("members"), upload=upload, source="page"
        )
    with django_capture_on_commit_callbacks(execute=True):
        import_job_run(job_id=job.pk)  # the check
    assert task_runs == []
    with django_capture_on_commit_callbacks(execute=False):
        import_job_confirm(job_id=job.pk, user=county_user, skip_invalid=False)
    with django_capture_on_commit_callbacks(execute=True):
        import_job_run(job_id=job.pk)  # the import: 4 members written in Chengguan
    assert task_runs == [sorted((r, y) for r in chain("620102") for y in years())]
    summary = IndicatorSummary.objects.get(region=region("620102"), year=years()[1])
    assert (
        summary.indicators["org.members"]
        == indicators.compute(year=years()[1], region=region("620102"))["org.members"]
    )
