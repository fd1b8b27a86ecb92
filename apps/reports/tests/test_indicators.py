import datetime as dt
import json

import pytest

from apps.core.tests.factories import region
from apps.reports import indicators
from apps.unions.tests.factories import MemberFactory

# The codes the two test sources give (conftest: the unions selector and fake_sources).
ORG_CODES = (
    "org.unions",
    "org.unions_founded",
    "org.normalized_township_unions",
    "org.demonstration_village_community_unions",
    "org.members",
    "org.members_female",
    "org.members_migrant",
    "org.members_joined",
    "org.members_joined_online",
    "org.members_joined_key_groups",
    "org.contracts_general",
    "org.contracts_wage",
    "org.contracts_safety",
    "org.contracts_safety_workers",
    "org.workers_congresses",
    "org.affairs_disclosure",
)


def expect(nonzero: dict) -> dict:
    """A region's 2024 figures: the given ones, every other code zero."""
    return {**dict.fromkeys(ORG_CODES, 0), "hs.households_aided": 0, "hs.aid_amount": "0.00", **nonzero}


# 2024 from the conftest's rows (u1..u4 unions, m1..m6 members); founded, joined or signed on
# 2025-01-01 is after the year; left on 2024-12-31 is no longer a member at its end.
CHENGGUAN = expect(  # 620102: u1 (congress since 2020) and u4 (township, normalized 2024)
    {
        "org.unions": 2,
        "org.normalized_township_unions": 1,  # u4
        "org.members": 3,  # m1, m3, m6 (m2 left on 2024-12-31)
        "org.members_female": 1,  # m1
        "org.members_migrant": 1,  # m1, rural household
        "org.members_joined": 2,  # m1 (2024-03-01), m6 (2024-06-01); m3 joined online in 2023
        "org.contracts_safety": 1,  # u1's, signed 2024-01-01
        "org.contracts_safety_workers": 80,
        "org.workers_congresses": 1,  # u1
        "hs.households_aided": 1,  # the fake source: min(members joined by the year end, 1)
        "hs.aid_amount": "50.00",  # the fake source: 12.50 x 4 joined by the year end (m1, m2, m3, m6)
    }
)
QILIHE = expect(  # 620103: u2, an enterprise union founded on 2024-12-31
    {
        "org.unions": 1,
        "org.unions_founded": 1,
        "org.members": 1,  # m4, joined 2024-12-31
        "org.members_female": 1,
        "org.members_joined": 1,
        "org.members_joined_key_groups": 1,  # a courier
        "org.contracts_wage": 1,  # signed 2024-12-31
        "hs.households_aided": 1,
        "hs.aid_amount": "12.50",
    }
)
LANZHOU = expect(  # 620100: the two counties
    {
        "org.unions": 3,
        "org.unions_founded": 1,
        "org.normalized_township_unions": 1,
        "org.members": 4,
        "org.members_female": 2,
        "org.members_migrant": 1,
        "org.members_joined": 3,
        "org.members_joined_key_groups": 1,
        "org.contracts_wage": 1,
        "org.contracts_safety": 1,
        "org.contracts_safety_workers": 80,
        "org.workers_congresses": 1,
        "hs.households_aided": 1,  # distinct: the fake counts it once in the region, not 1 + 1
        "hs.aid_amount": "62.50",  # 12.50 x 5
    }
)
EMPTY = expect({})  # Gannan's u3 and m5 (2025-01-01) and every other region
EXPECTED = {"620000": LANZHOU, "620100": LANZHOU, "620102": CHENGGUAN, "620103": QILIHE}


@pytest.mark.parametrize("code", ["620000", "620100", "620102"])
def test_report_holds_the_known_figures_for_the_region_and_each_child(data, code):
    reg = region(code)
    report = indicators.build_report(year=2024, region=reg)
    assert report["year"] == 2024
    assert report["region"] == code
    assert report["indicators"] == EXPECTED[code]
    children = list(reg.children.order_by("code"))
    assert [c["region"] for c in report["children"]] == [c.code for c in children]
    for entry in report["children"]:
        assert entry["indicators"] == EXPECTED.get(entry["region"], EMPTY), entry["region"]


def test_known_values_on_both_sides_of_the_year_end(data):
    values = indicators.compute(year=2024, region=region("620000"))
    assert values["org.unions"] == 3  # the one founded 2025-01-01 is not yet there
    assert values["org.unions_founded"] == 1
    assert values["org.members"] == 4  # one left on 2024-12-31, one joined 2025-01-01
    assert values["org.members_joined"] == 3
    assert values["org.contracts_safety_workers"] == 80
    assert values["org.normalized_township_unions"] == 1
    assert values["hs.aid_amount"] == "62.50"  # 5 members joined by the end of 2024 x 12.50


@pytest.mark.parametrize("code", ["620000", "620100"])
def test_children_add_up_to_the_parent_for_additive_codes(data, code):
    report = indicators.build_report(year=2024, region=region(code))
    for name, value in report["indicators"].items():
        ind = indicators.BY_CODE[name]
        if ind.distinct:
            continue
        total = sum(indicators.parse_value(name, c["indicators"][name]) for c in report["children"])
        assert total == indicators.parse_value(name, value), name
        assert indicators.direct_value(name, report) == 0


def test_distinct_codes_are_not_summed(data):
    report = indicators.build_report(year=2024, region=region("620100"))
    # one household-like unit counted once in the region although both counties have one
    assert report["indicators"]["hs.households_aided"] == 1
    assert [c["indicators"]["hs.households_aided"] for c in report["children"]][:2] == [1, 1]
    assert indicators.direct_value("hs.households_aided", report) is None


def test_json_form_counts_are_ints_and_amounts_strings_with_two_places(data):
    report = indicators.build_report(year=2024, region=region("620102"))
    parsed = json.loads(json.dumps(report))
    assert parsed["indicators"]["hs.aid_amount"] == "50.00"
    assert isinstance(parsed["indicators"]["org.members"], int)
    assert list(parsed) == ["year", "region", "indicators", "children"]
    assert list(parsed["indicators"])[:3] == [
        "org.unions",
        "org.unions_founded",
        "org.normalized_township_unions",
    ]


def test_empty_region_gives_zeros_and_zero_amounts(db):
    values = indicators.compute(year=2024, region=region("620102"))
    assert values["org.members"] == 0
    assert values["hs.aid_amount"] == "0.00"


def test_a_source_not_installed_yet_is_left_out(settings, db):
    settings.REPORTS_INDICATOR_SOURCES = [
        "apps.unions.selectors.org_indicators",
        "apps.not_there.selectors.nope_indicators",
    ]
    values = indicators.compute(year=2024, region=region("620102"))
    assert list(values) == [i.code for i in indicators.indicators_of("org")]


def test_registry_holds_every_code_of_indicators_md_once():
    assert len(indicators.CODES) == len(set(indicators.CODES)) == 79
    assert {i.domain for i in indicators.INDICATORS} == {"org", "comp", "mw", "hs", "ins", "svc"}
    assert {i.code for i in indicators.INDICATORS if i.distinct} == {
        "hs.households_aided",
        "hs.warmth_households",
        "ins.units",
        "ins.covered_workers",
        "svc.relief_workers",
        "svc.warmth_enterprises",
        "svc.warmth_households",
    }
    assert {i.code for i in indicators.INDICATORS if i.amount} == {
        "mw.benefits_amount",
        "mw.hardship_subsidy_amount",
        "hs.aid_amount",
        "ins.contributions",
        "ins.payout_amount",
        "svc.jinqiu_amount",
        "svc.relief_amount",
        "svc.warmth_amount",
        "svc.wage_amount",
        "svc.loan_amount",
    }
    assert all(i.name for i in indicators.INDICATORS)


def test_the_real_sources_give_exactly_the_codes_of_the_contract(settings, db):
    """With the six domain selectors installed, a report holds every code and nothing else."""
    del settings.REPORTS_INDICATOR_SOURCES
    missing = [path for _d, path in indicators.source_paths() if indicators.load_source(path) is None]
    if missing:
        pytest.skip(f"not installed yet: {missing}")
    MemberFactory(joined_on=dt.date(2024, 1, 2))
    values = indicators.compute(year=2024, region=region("620000"))
    assert list(values) == indicators.CODES
    assert all(isinstance(values[c], str) for c in indicators.CODES if indicators.BY_CODE[c].amount)
