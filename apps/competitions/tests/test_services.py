"""Services of the competitions domain: validation, scope, audit, nothing changed on refusal."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections, transaction

from apps.competitions import services
from apps.competitions.choices import CompetitionKind, Grade, InnovationKind
from apps.competitions.models import Competition, InnovationAchievement, Participation
from apps.core.choices import AuditAction
from apps.core.exceptions import ApplicationError
from apps.core.models import AuditEntry
from apps.core.tests.factories import region
from apps.unions.tests.factories import GrassrootsUnionFactory

from .factories import CompetitionFactory, InnovationFactory, ParticipationFactory

D = dt.date


def audit_actions(obj) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_id=str(obj.pk), content_type__model=obj._meta.model_name)
        .order_by("id")
        .values_list("action", flat=True)
    )


# Competitions ----------------------------------------------------------------------------


def test_competition_create_normalises_validates_and_audits(county_user):
    comp = services.competition_create(
        code=" js-2024-01 ",
        name=" 城关区技能大赛 ",
        kind=CompetitionKind.SKILL,
        organizer_region=region("620102"),
        start_date=D(2024, 4, 1),
        end_date=D(2024, 4, 1),
        theme="技能强区",
        user=county_user,
    )
    assert (comp.code, comp.name, comp.kind) == ("JS-2024-01", "城关区技能大赛", CompetitionKind.SKILL)
    entry = AuditEntry.objects.get(object_id=str(comp.pk), content_type__model="competition")
    assert entry.action == AuditAction.CREATE
    assert entry.user == county_user
    assert entry.region == region("620102")


def test_competition_end_before_start_is_refused(county_user):
    with pytest.raises(ApplicationError) as exc:
        services.competition_create(
            code="JS1",
            name="竞赛",
            kind=CompetitionKind.PARK,
            organizer_region=region("620102"),
            start_date=D(2024, 4, 2),
            end_date=D(2024, 4, 1),
            user=county_user,
        )
    assert "end_date" in exc.value.extra["fields"]
    assert Competition.objects.count() == 0


def test_competition_duplicate_code_and_bad_kind_are_refused(county_user):
    CompetitionFactory(code="JS1")
    kwargs = {
        "name": "竞赛",
        "organizer_region": region("620102"),
        "start_date": D(2024, 1, 1),
        "end_date": D(2024, 2, 1),
        "user": county_user,
    }
    with pytest.raises(ApplicationError) as exc:
        services.competition_create(code="js1", kind=CompetitionKind.PARK, **kwargs)
    assert exc.value.extra["fields"]["code"] == ["竞赛编码 JS1 已存在。"]
    with pytest.raises(ApplicationError) as exc:
        services.competition_create(code="JS2", kind="园区", **kwargs)
    assert "kind" in exc.value.extra["fields"]
    assert Competition.objects.count() == 1


def test_county_user_cannot_organize_for_another_county_or_the_province(county_user):
    for code in ("620103", "620000"):
        with pytest.raises(ApplicationError, match="您无权修改该地区的记录"):
            services.competition_create(
                code=f"JS{code}",
                name="竞赛",
                kind=CompetitionKind.PARK,
                organizer_region=region(code),
                start_date=D(2024, 1, 1),
                end_date=D(2024, 2, 1),
                user=county_user,
            )
    assert Competition.objects.count() == 0


def test_provincial_competition_cannot_be_edited_by_county_staff(county_user):
    comp = CompetitionFactory(organizer_region=region("620000"), name="省级竞赛")
    with pytest.raises(ApplicationError, match="您无权修改该地区的记录"):
        services.competition_update(competition=comp, user=county_user, name="改名")
    comp.refresh_from_db()
    assert comp.name == "省级竞赛"


def test_competition_update_writes_the_diff_and_moving_out_of_scope_is_refused(county_user):
    comp = CompetitionFactory(name="旧名")
    services.competition_update(competition=comp, user=county_user, name="新名")
    entry = AuditEntry.objects.filter(object_id=str(comp.pk), action=AuditAction.UPDATE).get()
    assert entry.changes == {"name": ["旧名", "新名"]}
    with pytest.raises(ApplicationError, match="您无权修改该地区的记录"):
        services.competition_update(competition=comp, user=county_user, organizer_region=region("620103"))
    comp.refresh_from_db()
    assert comp.organizer_region == region("620102")


def test_competition_update_refuses_unknown_fields_and_end_before_start(county_user):
    comp = CompetitionFactory()
    with pytest.raises(ApplicationError, match="未知字段：colour"):
        services.competition_update(competition=comp, user=county_user, colour="red")
    with pytest.raises(ApplicationError, match="结束日期不能早于开始日期"):
        services.competition_update(competition=comp, user=county_user, end_date=D(2024, 2, 1))
    comp.refresh_from_db()
    assert comp.end_date == D(2024, 10, 31)


def test_competition_with_participations_cannot_be_deleted(county_user):
    part = ParticipationFactory()
    part_pk = part.pk
    with pytest.raises(ApplicationError, match="仍有参赛记录，请先删除参赛记录"):
        services.competition_delete(competition=part.competition, user=county_user)
    assert Competition.objects.filter(pk=part.competition_id).exists()
    services.participation_delete(participation=part, user=county_user)
    services.competition_delete(competition=part.competition, user=county_user)
    assert Competition.objects.count() == 0
    assert list(
        AuditEntry.objects.filter(object_id=str(part_pk), content_type__model="participation").values_list(
            "action", flat=True
        )
    ) == [AuditAction.DELETE]


# Participations --------------------------------------------------------------------------


def test_county_registers_its_unit_in_a_provincial_competition(county_user):
    comp = CompetitionFactory(organizer_region=region("620000"))
    union = GrassrootsUnionFactory(region=region("620102"))
    part = services.participation_create(
        competition=comp,
        union=union,
        participating_workers=80,
        promoted_workers=3,
        award=" 优胜单位 ",
        user=county_user,
    )
    assert (part.participating_workers, part.promoted_workers, part.award) == (80, 3, "优胜单位")
    assert audit_actions(part) == [AuditAction.CREATE]


def test_participation_of_another_countys_unit_is_refused(county_user):
    comp = CompetitionFactory(organizer_region=region("620000"))
    union = GrassrootsUnionFactory(region=region("620103"))
    with pytest.raises(ApplicationError, match="您无权修改该地区的记录"):
        services.participation_create(
            competition=comp, union=union, participating_workers=5, user=county_user
        )
    assert Participation.objects.count() == 0


def test_participation_in_an_unseen_competition_is_refused(county_user):
    comp = CompetitionFactory(organizer_region=region("620103"))
    union = GrassrootsUnionFactory(region=region("620102"))
    with pytest.raises(ApplicationError) as exc:
        services.participation_create(
            competition=comp, union=union, participating_workers=5, user=county_user
        )
    assert "competition" in exc.value.extra["fields"]
    assert Participation.objects.count() == 0


def test_a_unit_takes_part_once_per_competition(county_user):
    part = ParticipationFactory()
    with pytest.raises(ApplicationError) as exc:
        services.participation_create(
            competition=part.competition, union=part.union, participating_workers=5, user=county_user
        )
    assert "union" in exc.value.extra["fields"]
    assert Participation.objects.count() == 1


def test_negative_counts_are_refused_and_more_promoted_than_participating_is_flagged(county_user):
    part = ParticipationFactory(participating_workers=10, promoted_workers=2)
    with pytest.raises(ApplicationError) as exc:
        services.participation_update(participation=part, user=county_user, participating_workers=-1)
    assert "participating_workers" in exc.value.extra["fields"]
    part.refresh_from_db()
    assert part.participating_workers == 10
    # accepted (the province's own files have such units), but flagged on the pages
    services.participation_update(participation=part, user=county_user, promoted_workers=12)
    part.refresh_from_db()
    assert part.promoted_workers == 12
    assert part.promoted_exceeds_participating is True


def test_participation_update_cannot_move_it_and_other_county_cannot_touch_it(county_user, other_county_user):
    part = ParticipationFactory()
    with pytest.raises(ApplicationError, match="未知字段：union"):
        services.participation_update(participation=part, user=county_user, union=GrassrootsUnionFactory())
    with pytest.raises(ApplicationError, match="您无权修改该地区的记录"):
        services.participation_update(participation=part, user=other_county_user, award="特等")
    with pytest.raises(ApplicationError, match="您无权修改该地区的记录"):
        services.participation_delete(participation=part, user=other_county_user)
    part.refresh_from_db()
    assert part.award == ""


# Innovation achievements -----------------------------------------------------------------


def test_innovation_create_and_update(county_user):
    union = GrassrootsUnionFactory()
    item = services.innovation_create(
        number="cx-1",
        name="数控加工工艺改进",
        kind=InnovationKind.ACHIEVEMENT,
        union=union,
        year=2024,
        authors="张三",
        grade=Grade.FIRST,
        recommended_nationally=True,
        user=county_user,
    )
    assert item.number == "CX-1"
    services.innovation_update(innovation=item, user=county_user, grade="")
    item.refresh_from_db()
    assert item.grade == ""
    assert audit_actions(item) == [AuditAction.CREATE, AuditAction.UPDATE]


def test_innovation_bad_input_is_refused_with_nothing_written(county_user, other_county_user):
    union = GrassrootsUnionFactory()
    InnovationFactory(number="CX-1")
    base = {"name": "操作法", "union": union, "year": 2024, "user": county_user}
    with pytest.raises(ApplicationError, match="成果编号 CX-1 已存在"):
        services.innovation_create(number="CX-1", kind=InnovationKind.METHOD, **base)
    with pytest.raises(ApplicationError, match="“bogus”不是有效的选项"):
        services.innovation_create(number="CX-2", kind="bogus", **base)
    with pytest.raises(ApplicationError, match="“金奖”不是有效的选项"):
        services.innovation_create(number="CX-3", kind=InnovationKind.METHOD, grade="金奖", **base)
    with pytest.raises(ApplicationError, match="确保该值大于或等于1949"):
        services.innovation_create(number="CX-4", kind=InnovationKind.METHOD, **{**base, "year": 1800})
    with pytest.raises(ApplicationError, match="您无权修改该地区的记录"):
        services.innovation_create(
            number="CX-5", kind=InnovationKind.METHOD, **{**base, "user": other_county_user}
        )
    assert list(InnovationAchievement.objects.values_list("number", flat=True)) == ["CX-1"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent transactions")
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_registrations_of_one_unit_leave_exactly_one():
    # given: two registrations whose duplicate checks both run before either commits
    part_comp = CompetitionFactory()
    union = GrassrootsUnionFactory()
    first_inserted, second_done = threading.Event(), threading.Event()
    outcomes: dict[str, object] = {}

    def register() -> None:
        services.participation_create(competition=part_comp, union=union, participating_workers=10, user=None)

    def first() -> None:
        try:
            with transaction.atomic():
                register()
                first_inserted.set()
                second_done.wait(timeout=2)  # the second insert waits on the unique index
            outcomes["first"] = "ok"
        finally:
            first_inserted.set()
            connections.close_all()

    def second() -> None:
        first_inserted.wait(timeout=10)
        try:
            register()
            outcomes["second"] = "ok"
        except ApplicationError as exc:
            outcomes["second"] = exc.message
        finally:
            second_done.set()
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    # then: one participation, and the second caller got a message instead of a 500
    assert outcomes["first"] == "ok"
    assert outcomes["second"] == f"{union.name} 已参加{part_comp.name}。"
    assert Participation.objects.filter(competition=part_comp, union=union).count() == 1
