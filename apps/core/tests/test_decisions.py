"""The one decision rule: roles, reach over the record's region, and four eyes."""

from __future__ import annotations

import pytest

from apps.core import audit
from apps.core.choices import AuditAction, Role
from apps.core.decisions import DecisionRefused, DecisionStep, last_editor_id
from apps.core.scoping import REVIEW
from apps.core.tests.factories import UserFactory, region
from apps.unions.models import GrassrootsUnion
from apps.unions.tests.factories import GrassrootsUnionFactory

pytestmark = pytest.mark.django_db

STEP = DecisionStep(
    name="test_review",
    label="审核该工会",
    roles=(Role.PREFECTURE, Role.PROVINCE),
    scope_action=REVIEW,
    region_of=lambda union: union.region_id,
    excluded=lambda union: {last_editor_id(union, ignore_fields=("dissolved_on",))},
    scope_model=GrassrootsUnion,
)


def test_the_level_above_decides_and_the_filer_cannot(county_user, prefecture_user, province_user):
    union = GrassrootsUnionFactory(region=region("620102"))
    audit.record(union, AuditAction.UPDATE, changes={"name": ["a", "b"]}, user=prefecture_user)
    # a county clerk: not a role that decides
    with pytest.raises(DecisionRefused, match="只有市州工会、省总工会的人员可以审核该工会"):
        STEP.check(county_user, union)
    # the prefecture colleague who changed the record last: four eyes
    with pytest.raises(DecisionRefused, match="四眼原则：提交、最后修改该记录或办理了前一步的人不能"):
        STEP.check(prefecture_user, union)
    # the province may
    STEP.check(province_user, union)
    assert STEP.refusal(province_user, union) is None


def test_a_prefecture_decides_only_in_its_own_region(db):
    union = GrassrootsUnionFactory(region=region("620102"))
    gannan = UserFactory(username="pref_gn", role=Role.PREFECTURE, region=region("623000"))
    lanzhou = UserFactory(username="pref_lz2", role=Role.PREFECTURE, region=region("620100"))
    with pytest.raises(DecisionRefused, match="负责该地区"):
        STEP.check(gannan, union)
    assert STEP.allows(lanzhou, union)


def test_decision_fields_do_not_make_a_last_editor(prefecture_user, province_user):
    union = GrassrootsUnionFactory(region=region("620102"))
    audit.record(union, AuditAction.UPDATE, changes={"name": ["a", "b"]}, user=province_user)
    audit.record(
        union, AuditAction.UPDATE, changes={"dissolved_on": [None, "2024-01-01"]}, user=prefecture_user
    )
    assert last_editor_id(union, ignore_fields=("dissolved_on",)) == province_user.pk
    assert last_editor_id(union) == prefecture_user.pk
