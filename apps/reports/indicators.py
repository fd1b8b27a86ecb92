"""The yearly indicators of INDICATORS.md: where each code comes from, its Chinese name, and the
JSON form of a report (a region with its children).

The Chinese names are msgids (marked for translation with ``gettext_noop``): ``Indicator.name`` and
``DOMAIN_NAMES`` give them in the active language, so the pages follow the user's language and
the report's files, written with Chinese active, keep the names of INDICATORS.md.

This module is the one place that knows the indicator sources. Each source is a domain
selector ``(*, year: int, region: Region) -> dict[str, int | Decimal]``; the settings
``REPORTS_INDICATOR_SOURCES`` may replace the list (tests do while a domain is not there).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext, gettext_noop

from apps.core.models import Region

# (domain key, Chinese domain name, dotted path of the selector), in report order.
SOURCES: list[tuple[str, str, str]] = [
    ("org", gettext_noop("组织建设"), "apps.unions.selectors.org_indicators"),
    ("comp", gettext_noop("劳动和技能竞赛"), "apps.competitions.selectors.comp_indicators"),
    ("mw", gettext_noop("劳模工匠"), "apps.model_workers.selectors.mw_indicators"),
    ("hs", gettext_noop("困难职工帮扶"), "apps.hardship.selectors.hs_indicators"),
    ("ins", gettext_noop("职工医疗互助保障"), "apps.insurance.selectors.ins_indicators"),
    ("svc", gettext_noop("普惠服务与维权"), "apps.services.selectors.svc_indicators"),
]


@dataclass(frozen=True)
class Indicator:
    code: str
    chinese_name: str  # as INDICATORS.md names it; the msgid of its translation
    amount: bool = False  # yuan, 2 decimal places; otherwise an integer count
    distinct: bool = False  # counted once in a region: not the sum of its children
    own_region: bool = False  # belongs to the record's own region (may sit at the parent itself)

    @property
    def name(self) -> str:
        """The name in the active language."""
        return gettext(self.chinese_name)

    @property
    def domain(self) -> str:
        return self.code.split(".", 1)[0]

    @property
    def additive(self) -> bool:
        return not self.distinct


_I = Indicator
INDICATORS: list[Indicator] = [
    _I("org.unions", gettext_noop("基层工会组织数")),
    _I("org.unions_founded", gettext_noop("当年新建基层工会数")),
    _I("org.normalized_township_unions", gettext_noop("规范化乡镇（街道）工会数")),
    _I("org.demonstration_village_community_unions", gettext_noop("示范村、社区工会数")),
    _I("org.members", gettext_noop("工会会员数")),
    _I("org.members_female", gettext_noop("其中：女性会员数")),
    _I("org.members_migrant", gettext_noop("其中：农民工会员数")),
    _I("org.members_joined", gettext_noop("当年新入会会员数")),
    _I("org.members_joined_online", gettext_noop("其中：网上入会数")),
    _I("org.members_joined_key_groups", gettext_noop("其中：八大重点群体入会数")),
    _I("org.contracts_general", gettext_noop("综合性集体合同数")),
    _I("org.contracts_wage", gettext_noop("工资专项集体合同数")),
    _I("org.contracts_safety", gettext_noop("劳动安全卫生专项集体合同数")),
    _I("org.contracts_safety_workers", gettext_noop("劳动安全卫生专项集体合同覆盖职工数")),
    _I("org.workers_congresses", gettext_noop("建立职代会制度的基层工会数")),
    _I("org.affairs_disclosure", gettext_noop("实行厂务公开的基层工会数")),
    _I("comp.competitions", gettext_noop("劳动和技能竞赛数"), own_region=True),
    _I("comp.participating_units", gettext_noop("参赛单位数（次）")),
    _I("comp.participating_workers", gettext_noop("参赛职工数（人次）")),
    _I("comp.skill_contests", gettext_noop("其中：职工技能竞赛数"), own_region=True),
    _I("comp.skill_contest_workers", gettext_noop("技能竞赛参赛职工数（人次）")),
    _I("comp.promoted_workers", gettext_noop("晋升技术等级职工数")),
    _I("comp.ankang_units", gettext_noop("“安康杯”竞赛参赛单位数")),
    _I("comp.ankang_workers", gettext_noop("“安康杯”竞赛参赛职工数")),
    _I("comp.innovations", gettext_noop("职工技术创新成果数")),
    _I("comp.operating_methods", gettext_noop("先进操作法数")),
    _I("comp.innovation_awards_special", gettext_noop("创新成果及操作法特等奖数")),
    _I("comp.innovation_awards_first", gettext_noop("创新成果及操作法一等奖数")),
    _I("mw.model_workers", gettext_noop("在世劳动模范数")),
    _I("mw.model_workers_national", gettext_noop("其中：全国劳动模范数")),
    _I("mw.craftsmen", gettext_noop("工匠数")),
    _I("mw.medals", gettext_noop("当年五一劳动奖章数")),
    _I("mw.certificates", gettext_noop("当年五一劳动奖状数")),
    _I("mw.pioneer_teams", gettext_noop("当年工人先锋号数")),
    _I("mw.benefits_amount", gettext_noop("劳模待遇发放金额（元）"), amount=True),
    _I("mw.hardship_subsidy_amount", gettext_noop("其中：困难补助及特困帮扶金额（元）"), amount=True),
    _I("mw.recuperation", gettext_noop("劳模疗休养人次")),
    _I("mw.studios", gettext_noop("劳模创新工作室数")),
    _I("mw.studios_demonstration", gettext_noop("其中：省级示范性劳模创新工作室数")),
    _I("mw.skill_leaders", gettext_noop("培养技能带头人数")),
    _I("mw.mentor_pairs", gettext_noop("师带徒结对数")),
    _I("mw.talks", gettext_noop("劳模宣讲场次"), own_region=True),
    _I("mw.talk_audience", gettext_noop("劳模宣讲受众人次"), own_region=True),
    _I("hs.households", gettext_noop("在档困难职工家庭数")),
    _I("hs.households_deep", gettext_noop("其中：深度困难家庭数")),
    _I("hs.households_filed", gettext_noop("当年新建档家庭数")),
    _I("hs.households_exited", gettext_noop("当年解困脱档家庭数")),
    _I("hs.households_aided", gettext_noop("当年帮扶救助家庭数"), distinct=True),
    _I("hs.aid_amount", gettext_noop("帮扶救助金额（元）"), amount=True),
    _I("hs.students_aided", gettext_noop("金秋助学人次")),
    _I("hs.warmth_households", gettext_noop("送温暖走访家庭数"), distinct=True),
    _I("ins.units", gettext_noop("参保单位数"), distinct=True),
    _I("ins.covered_workers", gettext_noop("参保职工数"), distinct=True),
    _I("ins.contributions", gettext_noop("互助保障缴费金额（元）"), amount=True),
    _I("ins.claims_paid", gettext_noop("当年理赔件数")),
    _I("ins.payout_amount", gettext_noop("当年理赔金额（元）"), amount=True),
    _I("svc.jinqiu_students", gettext_noop("金秋助学人次"), own_region=True),
    _I("svc.jinqiu_amount", gettext_noop("金秋助学金额（元）"), amount=True, own_region=True),
    _I("svc.relief_amount", gettext_noop("专项帮扶发放金额（元）"), amount=True, own_region=True),
    _I("svc.relief_migrant", gettext_noop("其中：困难农民工帮扶人次"), own_region=True),
    _I("svc.relief_workers", gettext_noop("专项帮扶职工人数"), distinct=True, own_region=True),
    _I("svc.warmth_enterprises", gettext_noop("送温暖走访企业数"), distinct=True, own_region=True),
    _I("svc.warmth_households", gettext_noop("送温暖走访职工家庭数"), distinct=True, own_region=True),
    _I("svc.warmth_amount", gettext_noop("送温暖慰问金额（元）"), amount=True, own_region=True),
    _I("svc.job_fairs", gettext_noop("春送岗位专场招聘会场次"), own_region=True),
    _I("svc.job_fair_positions", gettext_noop("招聘会提供岗位数"), own_region=True),
    _I("svc.employment_services", gettext_noop("免费就业服务人次"), own_region=True),
    _I("svc.labour_export", gettext_noop("其中：劳务输出人次"), own_region=True),
    _I("svc.placements", gettext_noop("实现就业人数"), own_region=True),
    _I("svc.trainings", gettext_noop("技能培训班数"), own_region=True),
    _I("svc.training_attendance", gettext_noop("培训人次"), own_region=True),
    _I("svc.cadre_training_attendance", gettext_noop("其中：工会干部培训人次"), own_region=True),
    _I("svc.wage_cases", gettext_noop("欠薪案件办结数"), own_region=True),
    _I("svc.wage_workers", gettext_noop("帮助讨薪职工人次"), own_region=True),
    _I("svc.wage_amount", gettext_noop("追回欠薪金额（元）"), amount=True, own_region=True),
    _I("svc.cases_open", gettext_noop("年末未办结维权案件数"), own_region=True),
    _I("svc.loans", gettext_noop("小额贷款笔数"), own_region=True),
    _I("svc.loan_amount", gettext_noop("小额贷款金额（元）"), amount=True, own_region=True),
    _I("svc.loan_jobs", gettext_noop("带动就业人数"), own_region=True),
]
del _I

BY_CODE: dict[str, Indicator] = {i.code: i for i in INDICATORS}
CODES: list[str] = [i.code for i in INDICATORS]


class _DomainNames(Mapping[str, str]):
    """Domain key -> its name in the active language, in report order."""

    def __init__(self, names: dict[str, str]) -> None:
        self._names = names

    def __getitem__(self, key: str) -> str:
        return gettext(self._names[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


DOMAIN_NAMES: Mapping[str, str] = _DomainNames({key: name for key, name, _path in SOURCES})
TWO_PLACES = Decimal("0.01")


def indicators_of(domain: str) -> list[Indicator]:
    return [i for i in INDICATORS if i.domain == domain]


def source_paths() -> list[tuple[str, str]]:
    """(domain, dotted path) of every source in use, in report order."""
    override = getattr(settings, "REPORTS_INDICATOR_SOURCES", None)
    if override is not None:
        return [(path.rsplit(".", 1)[1].split("_", 1)[0], path) for path in override]
    return [(key, path) for key, _name, path in SOURCES]


def load_source(path: str) -> Callable[..., Any] | None:
    """The function at ``path`` (a selector, a domain's demo generator), or None while its module
    or function does not exist yet."""
    module_name, _dot, attr = path.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and (module_name == exc.name or module_name.startswith(exc.name + ".")):
            return None
        raise
    return getattr(module, attr, None)


def available_sources() -> Iterator[tuple[str, Callable[..., dict[str, Any]]]]:
    for domain, path in source_paths():
        func = load_source(path)
        if func is not None:
            yield domain, func


def to_json_value(code: str, value: Any) -> int | str:
    """Counts as ints, amounts as strings with 2 places (INDICATORS.md's JSON form)."""
    indicator = BY_CODE.get(code)
    if (indicator is not None and indicator.amount) or isinstance(value, Decimal | float):
        return str(Decimal(str(value or 0)).quantize(TWO_PLACES))
    return int(value or 0)


def compute(*, year: int, region: Region, domains: list[str] | None = None) -> dict[str, int | str]:
    """Every available code for the region, in INDICATORS.md's order, as JSON values."""
    return compute_many(year=year, regions=[region], domains=domains)[region.pk]


def compute_many(
    *, year: int, regions: list[Region], domains: list[str] | None = None
) -> dict[int, dict[str, int | str]]:
    """``compute`` for several regions: ``{region pk: codes}``. A source written over
    ``apps.core.selectors.Regions`` (it has ``many``) answers for all of them at once, grouped
    in a query per path length; any other source is asked region by region."""
    raw: dict[int, dict[str, Any]] = {r.pk: {} for r in regions}
    for domain, func in available_sources():
        if domains is not None and domain not in domains:
            continue
        many = getattr(func, "many", None)
        if many is not None:
            for pk, values in many(year=year, regions=regions).items():
                raw[pk].update(values)
        else:
            for region in regions:
                raw[region.pk].update(func(year=year, region=region))
    return {pk: _in_order(values) for pk, values in raw.items()}


def _in_order(raw: dict[str, Any]) -> dict[str, int | str]:
    ordered = {code: to_json_value(code, raw[code]) for code in CODES if code in raw}
    ordered.update({code: to_json_value(code, v) for code, v in raw.items() if code not in ordered})
    return ordered


def children_of(region: Region) -> list[Region]:
    return list(Region.objects.filter(parent=region).order_by("code"))


def build_report(
    *, year: int, region: Region, on_region: Callable[[int, int, Region], None] | None = None
) -> dict[str, Any]:
    """The JSON form: ``{"year", "region", "indicators", "children": [{"region", "indicators"}]}``.

    ``on_region(n, total, region)`` is called before the ``n``-th of ``total`` regions (the
    region itself, then its children) is computed, for the progress and the stage.
    """
    children = children_of(region)
    total = 1 + len(children)
    if on_region:
        on_region(1, total, region)
    indicators = compute(year=year, region=region)
    out_children = []
    for n, child in enumerate(children, start=2):
        if on_region:
            on_region(n, total, child)
        out_children.append({"region": child.code, "indicators": compute(year=year, region=child)})
    return {"year": year, "region": region.code, "indicators": indicators, "children": out_children}


def parse_value(code: str, value: Any) -> int | Decimal:
    """A JSON value back to a number (Decimal for amounts)."""
    if (code in BY_CODE and BY_CODE[code].amount) or isinstance(value, str):
        return Decimal(str(value))
    return int(value)


# 本级 ("the region's own level"): the one rule of the workbook and the printable document.
DIRECT_HEADER = "本级"


def direct_value(code: str, report: dict[str, Any]) -> int | Decimal | None:
    """本级 of a code: the part of an additive indicator that sits at the region itself, not in
    any child region (the total minus the children's): always a number, 0 included. None, shown
    blank, for a ``distinct`` indicator: it is counted once in the region and is not the sum of
    its parts, so it has no part of its own (``direct_note`` says so under the table)."""
    indicator = BY_CODE.get(code)
    if indicator is None or indicator.distinct:
        return None
    total = parse_value(code, report["indicators"].get(code, 0))
    children = sum((parse_value(code, c["indicators"].get(code, 0)) for c in report["children"]), 0)
    return total - children


def direct_note(codes: list[str]) -> str:
    """The note under a table with a 本级 column or row, naming its blank (distinct) indicators."""
    note = f"注：“{DIRECT_HEADER}”为合计中不属于任何下级地区、记在本地区自身的部分（合计减去各下级之和），没有时填 0。"
    distinct = [BY_CODE[c].name for c in codes if c in BY_CODE and BY_CODE[c].distinct]
    if distinct:
        note += f"{'、'.join(distinct)}按去重计数，合计不是各下级之和，没有本级数，留空。"
    return note
