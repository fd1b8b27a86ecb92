"""comp.* indicators on records built on both sides of every boundary: the start date of a
competition (Dec 31 vs Jan 1), organizer region vs the units' region, kinds and grades."""

import datetime as dt

import pytest

from apps.competitions.choices import CompetitionKind, Grade, InnovationKind
from apps.competitions.selectors import comp_indicators
from apps.core.tests.factories import TownshipFactory, region
from apps.unions.tests.factories import GrassrootsUnionFactory

from .factories import CompetitionFactory, InnovationFactory, ParticipationFactory

D = dt.date
CODES = [
    "comp.competitions",
    "comp.participating_units",
    "comp.participating_workers",
    "comp.skill_contests",
    "comp.skill_contest_workers",
    "comp.promoted_workers",
    "comp.ankang_units",
    "comp.ankang_workers",
    "comp.innovations",
    "comp.operating_methods",
    "comp.innovation_awards_special",
    "comp.innovation_awards_first",
]


def zeros() -> dict:
    return dict.fromkeys(CODES, 0)


@pytest.mark.django_db
def test_every_code_is_returned_and_zero_when_empty():
    result = comp_indicators(year=2024, region=region("620000"))
    assert result == zeros()
    assert all(type(v) is int for v in result.values())


@pytest.mark.django_db
def test_county_units_in_a_provincial_competition_count_for_the_county_not_the_competition():
    # given a provincial competition with one unit of Chengguan (in a township) and one of Qilihe
    township = TownshipFactory(parent=region("620102"))
    own = GrassrootsUnionFactory(region=township)
    other = GrassrootsUnionFactory(region=region("620103"))
    comp = CompetitionFactory(organizer_region=region("620000"), start_date=D(2024, 5, 1))
    ParticipationFactory(competition=comp, union=own, participating_workers=120, promoted_workers=7)
    ParticipationFactory(competition=comp, union=other, participating_workers=30, promoted_workers=2)

    # then the county counts its unit's participation but not the competition
    county = comp_indicators(year=2024, region=region("620102"))
    assert county == {
        **zeros(),
        "comp.participating_units": 1,
        "comp.participating_workers": 120,
        "comp.promoted_workers": 7,
    }
    # the province counts the competition and both participations
    province = comp_indicators(year=2024, region=region("620000"))
    assert province["comp.competitions"] == 1
    assert province["comp.participating_units"] == 2
    assert province["comp.participating_workers"] == 150
    assert province["comp.promoted_workers"] == 9
    # the prefecture holds both counties' units, not the competition
    prefecture = comp_indicators(year=2024, region=region("620100"))
    assert prefecture["comp.competitions"] == 0
    assert prefecture["comp.participating_units"] == 2


@pytest.mark.django_db
def test_competitions_count_by_organizer_region():
    CompetitionFactory(organizer_region=region("620102"), start_date=D(2024, 2, 1))
    CompetitionFactory(organizer_region=region("620103"), start_date=D(2024, 2, 1))
    CompetitionFactory(organizer_region=region("620100"), start_date=D(2024, 2, 1))
    CompetitionFactory(organizer_region=region("620000"), start_date=D(2024, 2, 1))
    assert comp_indicators(year=2024, region=region("620102"))["comp.competitions"] == 1
    assert comp_indicators(year=2024, region=region("620100"))["comp.competitions"] == 3
    assert comp_indicators(year=2024, region=region("620000"))["comp.competitions"] == 4
    assert comp_indicators(year=2024, region=region("623001"))["comp.competitions"] == 0


@pytest.mark.django_db
def test_start_date_dec_31_and_jan_1_fall_in_their_own_years():
    union = GrassrootsUnionFactory(region=region("620102"))
    dec31 = CompetitionFactory(
        kind=CompetitionKind.SKILL, start_date=D(2023, 12, 31), end_date=D(2024, 6, 30)
    )
    jan1 = CompetitionFactory(kind=CompetitionKind.ANKANG, start_date=D(2024, 1, 1), end_date=D(2024, 12, 31))
    ParticipationFactory(competition=dec31, union=union, participating_workers=40, promoted_workers=4)
    ParticipationFactory(competition=jan1, union=union, participating_workers=60, promoted_workers=1)
    county = region("620102")

    assert comp_indicators(year=2023, region=county) == {
        **zeros(),
        "comp.competitions": 1,
        "comp.skill_contests": 1,
        "comp.participating_units": 1,
        "comp.participating_workers": 40,
        "comp.skill_contest_workers": 40,
        "comp.promoted_workers": 4,
    }
    assert comp_indicators(year=2024, region=county) == {
        **zeros(),
        "comp.competitions": 1,
        "comp.participating_units": 1,
        "comp.participating_workers": 60,
        "comp.promoted_workers": 1,
        "comp.ankang_units": 1,
        "comp.ankang_workers": 60,
    }
    # the end date does not matter: nothing in 2025
    assert comp_indicators(year=2025, region=county) == zeros()


@pytest.mark.django_db
def test_skill_and_ankang_figures_only_count_their_kind():
    union = GrassrootsUnionFactory(region=region("620102"))
    for kind, workers in (
        (CompetitionKind.SKILL, 10),
        (CompetitionKind.ANKANG, 20),
        (CompetitionKind.MAJOR_PROJECT, 300),
        (CompetitionKind.PARK, 4000),
        (CompetitionKind.ENTERPRISE, 50000),
    ):
        ParticipationFactory(
            competition=CompetitionFactory(kind=kind),
            union=union,
            participating_workers=workers,
            promoted_workers=0,
        )
    got = comp_indicators(year=2024, region=region("620102"))
    assert got["comp.competitions"] == 5
    assert got["comp.skill_contests"] == 1
    assert got["comp.skill_contest_workers"] == 10
    assert got["comp.ankang_units"] == 1
    assert got["comp.ankang_workers"] == 20
    assert got["comp.participating_units"] == 5
    assert got["comp.participating_workers"] == 54330


@pytest.mark.django_db
def test_grades_count_achievements_and_methods_of_the_year_only():
    union = GrassrootsUnionFactory(region=region("620102"))
    far = GrassrootsUnionFactory(region=region("623001"))
    InnovationFactory(union=union, kind=InnovationKind.ACHIEVEMENT, grade=Grade.SPECIAL, year=2024)
    InnovationFactory(union=union, kind=InnovationKind.METHOD, grade=Grade.SPECIAL, year=2024)
    InnovationFactory(union=union, kind=InnovationKind.ACHIEVEMENT, grade=Grade.FIRST, year=2024)
    InnovationFactory(union=union, kind=InnovationKind.METHOD, grade=Grade.FIRST, year=2024)
    InnovationFactory(union=union, kind=InnovationKind.METHOD, grade=Grade.SECOND, year=2024)
    InnovationFactory(union=union, kind=InnovationKind.ACHIEVEMENT, grade="", year=2024)
    InnovationFactory(union=union, kind=InnovationKind.ACHIEVEMENT, grade=Grade.FIRST, year=2023)
    InnovationFactory(union=union, kind=InnovationKind.METHOD, grade=Grade.SPECIAL, year=2025)
    InnovationFactory(union=far, kind=InnovationKind.ACHIEVEMENT, grade=Grade.SPECIAL, year=2024)

    got = comp_indicators(year=2024, region=region("620102"))
    assert got["comp.innovations"] == 3
    assert got["comp.operating_methods"] == 3
    assert got["comp.innovation_awards_special"] == 2
    assert got["comp.innovation_awards_first"] == 2
    province = comp_indicators(year=2024, region=region("620000"))
    assert province["comp.innovations"] == 4
    assert province["comp.innovation_awards_special"] == 3
    assert comp_indicators(year=2023, region=region("620102"))["comp.innovation_awards_first"] == 1


@pytest.mark.django_db
def test_indicators_take_a_fixed_number_of_queries(django_assert_num_queries):
    union = GrassrootsUnionFactory(region=region("620102"))
    for _ in range(3):
        ParticipationFactory(union=union)
        InnovationFactory(union=union)
    county = region("620102")
    with django_assert_num_queries(3):
        comp_indicators(year=2024, region=county)
