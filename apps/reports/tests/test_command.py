import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from apps.core.tests.factories import region
from apps.reports import indicators
from apps.reports.models import YearlyReport


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("yearly_report", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_prints_only_the_json_of_the_report(data):
    out, _err = run("--year", "2024", "--region", "620100")
    assert json.loads(out) == indicators.build_report(year=2024, region=region("620100"))
    assert out.strip().startswith("{") and out.strip().endswith("}")
    assert YearlyReport.objects.count() == 1


def test_running_again_reuses_the_one_report(data):
    first, _ = run("--year", "2024", "--region", "620102")
    second, _ = run("--year", "2024", "--region", "620102")
    assert first == second
    assert YearlyReport.objects.count() == 1


def test_output_writes_the_workbook(data, tmp_path):
    target = tmp_path / "r.xlsx"
    out, err = run("--year", "2024", "--region", "620102", "--output", str(target))
    wb = load_workbook(target)
    assert wb.sheetnames[0] == "组织建设"
    assert f"wrote {target}" in err
    assert json.loads(out)["region"] == "620102"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--year", "2024", "--region", "999999"], "unknown region"),
        (["--year", "2024", "--region", "620102", "--output", "x.txt"], "--output"),
        (["--year", "1800", "--region", "620102"], "1949"),
    ],
)
def test_bad_arguments_are_refused_and_nothing_written(db, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert YearlyReport.objects.count() == 0


def test_refresh_dashboards_writes_the_summaries_of_the_years(data):
    from apps.reports.models import IndicatorSummary

    out = io.StringIO()
    call_command("refresh_dashboards", "--years", "2023,2024", stdout=out)
    assert out.getvalue().strip() == "202 summaries refreshed"
    summary = IndicatorSummary.objects.get(year=2024, region__code="620102")
    assert summary.indicators == indicators.compute(year=2024, region=region("620102"))
    with pytest.raises(CommandError, match="--years"):
        call_command("refresh_dashboards", "--years", "x")
