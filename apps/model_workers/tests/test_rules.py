"""One rule, one place (STYLE.md 13): a benefit payment, a recuperation or an honour is refused
by ``apps.model_workers.rules`` whichever door it comes through — the services or the import —
for the same reason, with the same message."""

import csv
import datetime as dt

import pytest

from apps.core.exceptions import ApplicationError
from apps.core.importing import run_import
from apps.core.tests.factories import make_resident_id
from apps.unions.tests.factories import GrassrootsUnionFactory

from .. import services
from ..choices import BenefitKind, HonourKind, HonourLevel
from ..models import BenefitPayment, Honour, Recuperation
from .factories import ModelWorkerFactory

pytestmark = pytest.mark.django_db


def _import(tmp_path, template: str, headers: list[str], row: list) -> list[tuple[str, str]]:
    path = tmp_path / f"{template}.csv"
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerows([headers, row])
    return [(e.column, e.message) for e in run_import(template, path).errors]


@pytest.mark.parametrize(
    ("amount", "paid_on", "column"),
    [("0", dt.date(2024, 3, 1), "金额"), ("100.00", dt.date(2019, 12, 31), "发放日期")],
)
def test_a_benefit_is_refused_by_both_doors_for_the_same_reason(tmp_path, amount, paid_on, column):
    # given: a model worker who received the title in 2020
    worker = ModelWorkerFactory(title_year=2020)
    # when: the same payment goes through the service and through the import
    with pytest.raises(ApplicationError) as refused:
        services.benefit_pay(
            model_worker=worker,
            number="FF1",
            kind=BenefitKind.CONDOLENCE,
            amount=amount,
            paid_on=paid_on,
            user=None,
        )
    errors = _import(
        tmp_path, "benefits", ["发放编号", "身份证号", "类型", "金额", "发放日期"],
        ["FF1", worker.id_number, BenefitKind.CONDOLENCE.label, amount, paid_on.isoformat()],
    )  # fmt: skip
    # then: both refuse it with the rule's message, under the field it is about
    assert errors == [(column, refused.value.message)]
    assert BenefitPayment.objects.count() == 0


def test_a_recuperation_before_the_title_is_refused_by_both_doors(tmp_path):
    worker = ModelWorkerFactory(title_year=2020)
    with pytest.raises(ApplicationError) as refused:
        services.recuperation_create(model_worker=worker, year=2019, place="敦煌", user=None)
    errors = _import(
        tmp_path, "recuperations", ["身份证号", "年度", "地点"], [worker.id_number, "2019", "敦煌"]
    )
    assert errors == [("年度", refused.value.message)]
    assert Recuperation.objects.count() == 0


def test_a_resident_id_on_a_units_honour_is_refused_by_both_doors(tmp_path):
    union = GrassrootsUnionFactory()
    rid = make_resident_id("620102")
    with pytest.raises(ApplicationError) as refused:
        services.honour_create(
            number="RY1",
            kind=HonourKind.CERTIFICATE,
            level=HonourLevel.PROVINCIAL,
            recipient_name="某厂",
            union=union,
            year=2024,
            user=None,
            id_number=rid,
        )
    errors = _import(
        tmp_path, "honours", ["荣誉编号", "荣誉类型", "级别", "获得者名称", "身份证号", "工会编码", "年度"],
        ["RY1", HonourKind.CERTIFICATE.label, HonourLevel.PROVINCIAL.label, "某厂", rid, union.code, "2024"],
    )  # fmt: skip
    assert errors == [("身份证号", refused.value.message)]
    assert Honour.objects.count() == 0
