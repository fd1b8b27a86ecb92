"""The unions services: rules, messages (in Chinese), history and audit."""

import datetime as dt
import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction

from apps.core.choices import AuditAction
from apps.core.exceptions import ApplicationError
from apps.core.models import AuditEntry
from apps.core.tests.factories import TownshipFactory, make_resident_id, region
from apps.unions import services
from apps.unions.choices import (
    ApplicationStatus,
    ContractKind,
    HouseholdType,
    JoinChannel,
    MemberStatus,
    Sex,
    TransferStatus,
    UnionKind,
)
from apps.unions.models import (
    CollectiveContract,
    GrassrootsUnion,
    JoinApplication,
    Member,
    MembershipTransfer,
)

from .factories import ContractFactory, GrassrootsUnionFactory, JoinApplicationFactory, MemberFactory

D = dt.date


def register(union, user, id_number=None, **kw):
    data = {
        "union": union,
        "name": "张三",
        "id_number": id_number or make_resident_id(union.region.code),
        "household_type": HouseholdType.URBAN,
        "joined_on": D(2023, 5, 1),
        "join_channel": JoinChannel.OFFLINE,
        "user": user,
    }
    data.update(kw)
    return services.member_register(**data)


def audit_actions(obj, pk=None):
    return list(
        AuditEntry.objects.filter(object_id=str(pk or obj.pk), content_type__model=obj._meta.model_name)
        .order_by("id")
        .values_list("action", flat=True)
    )


# Unions -----------------------------------------------------------------------------------


def test_union_create_in_own_county_is_audited(county_user):
    union = services.union_create(
        code="u-0001",
        name="兰州某公司工会",
        kind=UnionKind.ENTERPRISE,
        region=region("620102"),
        founded_on=D(2015, 6, 1),
        user=county_user,
    )
    assert (union.code, union.region.code) == ("U-0001", "620102")
    entry = AuditEntry.objects.get(object_id=str(union.pk), content_type__model="grassrootsunion")
    assert (entry.action, entry.user, entry.changes["name"]) == (
        AuditAction.CREATE,
        county_user,
        [None, "兰州某公司工会"],
    )


def test_union_create_in_other_county_is_refused(county_user):
    with pytest.raises(ApplicationError) as exc:
        services.union_create(
            code="U-0002",
            name="x",
            kind=UnionKind.ENTERPRISE,
            region=region("620103"),
            founded_on=D(2015, 1, 1),
            user=county_user,
        )
    assert exc.value.message == "您无权修改该地区的记录。"
    assert not GrassrootsUnion.objects.filter(code="U-0002").exists()


def test_union_create_refuses_a_duplicate_code_and_a_parent_out_of_view(county_user):
    GrassrootsUnionFactory(code="U-0003")
    with pytest.raises(ApplicationError) as exc:
        services.union_create(
            code="u-0003",
            name="x",
            kind=UnionKind.ENTERPRISE,
            region=region("620102"),
            founded_on=D(2015, 1, 1),
            user=county_user,
        )
    assert exc.value.message == "工会编码 U-0003 已存在。"
    far = GrassrootsUnionFactory(region=region("620103"))
    with pytest.raises(ApplicationError) as exc:
        services.union_create(
            code="U-0004",
            name="x",
            kind=UnionKind.ENTERPRISE,
            region=region("620102"),
            founded_on=D(2015, 1, 1),
            parent=far,
            user=county_user,
        )
    assert exc.value.extra["fields"] == {"parent": ["不在您的范围内。"]}
    assert GrassrootsUnion.objects.count() == 2


def test_union_create_in_a_township_of_own_county(county_user):
    township = TownshipFactory(parent=region("620102"))
    union = services.union_create(
        code="U-T1",
        name="街道工会",
        kind=UnionKind.TOWNSHIP,
        region=township,
        founded_on=D(2012, 1, 1),
        normalized_year=2020,
        user=county_user,
    )
    assert union.normalized_year == 2020


def test_union_model_rules_come_back_as_messages(county_user):
    with pytest.raises(ApplicationError) as exc:
        services.union_create(
            code="U-0005",
            name="企业工会",
            kind=UnionKind.ENTERPRISE,
            region=region("620102"),
            founded_on=D(2015, 1, 1),
            normalized_year=2020,
            user=county_user,
        )
    assert exc.value.extra["fields"] == {"normalized_year": ["只有乡镇(街道)工会可以标记为规范化。"]}


def test_union_update_and_delete(county_user):
    union = GrassrootsUnionFactory()
    services.union_update(union=union, user=county_user, name="新名称", chair="李四")
    union.refresh_from_db()
    assert (union.name, union.chair) == ("新名称", "李四")
    MemberFactory(union=union)
    with pytest.raises(ApplicationError) as exc:
        services.union_delete(union=union, user=county_user)
    assert "仍有会员" in exc.value.message
    empty = GrassrootsUnionFactory()
    empty_pk = empty.pk
    services.union_delete(union=empty, user=county_user)
    assert not GrassrootsUnion.objects.filter(pk=empty_pk).exists()
    assert audit_actions(union) == [AuditAction.UPDATE]
    assert audit_actions(empty, empty_pk) == [AuditAction.DELETE]


def test_union_update_refuses_cycles_and_other_county(county_user, other_county_user):
    top = GrassrootsUnionFactory()
    child = GrassrootsUnionFactory(parent=top)
    with pytest.raises(ApplicationError) as exc:
        services.union_update(union=top, user=county_user, parent=child)
    assert exc.value.message == "工会不能挂在自己的下级工会之下。"
    with pytest.raises(ApplicationError, match="您无权修改该地区的记录"):
        services.union_update(union=top, user=other_county_user, name="改名")
    top.refresh_from_db()
    assert top.parent_id is None and top.name != "改名"


# Members ----------------------------------------------------------------------------------


def test_member_register_derives_sex_and_birth_and_normalises(county_user):
    union = GrassrootsUnionFactory()
    rid = make_resident_id("620102", birth=D(1990, 7, 15), female=True)
    member = register(union, county_user, id_number=f" {rid[:-1]}{rid[-1].lower()} ", phone="139 1234 5678")
    assert (member.id_number, member.sex, member.birth_date, member.phone, member.status) == (
        rid,
        Sex.FEMALE,
        D(1990, 7, 15),
        "13912345678",
        MemberStatus.ACTIVE,
    )
    entry = AuditEntry.objects.get(object_id=str(member.pk), content_type__model="member")
    assert entry.changes["id_number"] == [None, f"{rid[:6]}********{rid[-4:]}"]


def test_member_register_bad_id_and_phone_are_refused_in_chinese(county_user):
    union = GrassrootsUnionFactory()
    with pytest.raises(ApplicationError) as exc:
        register(union, county_user, id_number="62010219900101123")
    assert exc.value.message == "身份证号“62010219900101123”应为 18 位，实际为 17 位。"
    with pytest.raises(ApplicationError) as exc:
        register(union, county_user, phone="12345")
    assert exc.value.extra["fields"] == {"phone": ["手机号“12345”应为以 1 开头的 11 位数字。"]}
    assert Member.objects.count() == 0


def test_duplicate_active_id_is_refused_naming_the_union_and_county(county_user, other_county_user):
    rid = make_resident_id("620103")
    other_union = GrassrootsUnionFactory(region=region("620103"), name="七里河某厂工会")
    register(other_union, other_county_user, id_number=rid)
    with pytest.raises(ApplicationError) as exc:
        register(GrassrootsUnionFactory(), county_user, id_number=rid)
    assert exc.value.message == (
        "该身份证号已在七里河某厂工会（七里河区）有在会会籍，请办理会籍转接，不要重复登记。"
    )
    assert Member.objects.filter(id_number=rid).count() == 1


def test_duplicate_check_names_the_county_of_a_township_union(county_user):
    township = TownshipFactory(parent=region("620102"))
    rid = make_resident_id()
    register(GrassrootsUnionFactory(region=township, name="街道工会"), county_user, id_number=rid)
    with pytest.raises(ApplicationError) as exc:
        register(GrassrootsUnionFactory(), county_user, id_number=rid)
    assert "街道工会（城关区）" in exc.value.message


def test_a_left_membership_does_not_block_a_new_one(county_user):
    rid = make_resident_id()
    first = register(GrassrootsUnionFactory(), county_user, id_number=rid)
    services.member_leave(member=first, left_on=D(2024, 1, 1), user=county_user)
    second = register(GrassrootsUnionFactory(), county_user, id_number=rid)
    assert list(Member.objects.filter(id_number=rid).order_by("id").values_list("status", flat=True)) == [
        MemberStatus.LEFT,
        MemberStatus.ACTIVE,
    ]
    assert second.left_on is None


def test_register_race_on_the_unique_constraint_becomes_the_message(county_user, monkeypatch):
    """The check passed in both requests; the database constraint decides, with our message."""
    rid = make_resident_id()
    existing = MemberFactory(id_number=rid, union=GrassrootsUnionFactory(name="先到工会"))
    real = services._active_membership
    calls = []

    def blind_first_time(id_number, **kw):
        calls.append(id_number)
        return None if len(calls) == 1 else real(id_number, **kw)

    monkeypatch.setattr(services, "_active_membership", blind_first_time)
    monkeypatch.setattr(Member, "validate_constraints", lambda self, exclude=None: None)
    with pytest.raises(ApplicationError) as exc:
        register(GrassrootsUnionFactory(), county_user, id_number=rid)
    assert exc.value.message.startswith("该身份证号已在先到工会（城关区）有在会会籍")
    assert isinstance(exc.value.__cause__, ApplicationError | IntegrityError)
    assert list(Member.objects.filter(id_number=rid)) == [existing]


def test_register_into_other_county_or_dissolved_union_is_refused(county_user):
    with pytest.raises(ApplicationError, match="您无权修改该地区的记录"):
        register(GrassrootsUnionFactory(region=region("620103")), county_user)
    with pytest.raises(ApplicationError) as exc:
        register(GrassrootsUnionFactory(name="已撤工会", dissolved_on=D(2020, 1, 1)), county_user)
    assert exc.value.message == "工会已撤工会已于2020-01-01撤销。"
    assert Member.objects.count() == 0


def test_leave_retain_reactivate(county_user):
    member = MemberFactory(joined_on=D(2020, 1, 1))
    with pytest.raises(ApplicationError) as exc:
        services.member_leave(member=member, left_on=D(2019, 1, 1), user=county_user)
    assert exc.value.message == "离会日期不能早于入会日期。"
    services.member_retain(member=member, user=county_user)
    member.refresh_from_db()
    assert member.status == MemberStatus.RETAINED
    with pytest.raises(ApplicationError) as exc:
        services.member_retain(member=member, user=county_user)
    assert exc.value.message == f"只有在会会员可以保留会籍；{member.name}的状态是保留会籍。"
    services.member_reactivate(member=member, user=county_user)
    services.member_leave(member=member, left_on=D(2024, 6, 30), user=county_user)
    member.refresh_from_db()
    assert (member.status, member.left_on) == (MemberStatus.LEFT, D(2024, 6, 30))
    with pytest.raises(ApplicationError) as exc:
        services.member_leave(member=member, left_on=D(2024, 7, 1), user=county_user)
    assert exc.value.message == f"{member.name}已经离会。"
    assert audit_actions(member) == [AuditAction.UPDATE] * 3


def test_reactivating_a_former_member_respects_the_active_id(county_user):
    rid = make_resident_id()
    old = MemberFactory(id_number=rid, status=MemberStatus.LEFT, left_on=D(2022, 1, 1))
    MemberFactory(id_number=rid)
    with pytest.raises(ApplicationError) as exc:
        services.member_reactivate(member=old, user=county_user)
    assert exc.value.message.startswith("该身份证号已在")
    old.refresh_from_db()
    assert old.status == MemberStatus.LEFT


def test_member_update_changes_id_and_rederives(county_user):
    member = MemberFactory()
    rid = make_resident_id(birth=D(1985, 2, 3), female=False)
    services.member_update(member=member, user=county_user, id_number=rid, name="王五")
    member.refresh_from_db()
    assert (member.id_number, member.sex, member.birth_date, member.name) == (
        rid,
        Sex.MALE,
        D(1985, 2, 3),
        "王五",
    )
    with pytest.raises(ApplicationError) as exc:
        services.member_update(member=member, user=county_user, union=GrassrootsUnionFactory())
    assert exc.value.message == "未知字段：union"


# Transfers --------------------------------------------------------------------------------


def test_transfer_within_scope_completes_at_once(county_user):
    member = MemberFactory()
    target = GrassrootsUnionFactory()
    transfer = services.member_transfer(
        member=member, to_union=target, transferred_on=D(2024, 3, 1), reason="调动", user=county_user
    )
    member.refresh_from_db()
    assert (transfer.status, transfer.decided_by, member.union, member.status) == (
        TransferStatus.COMPLETED,
        county_user,
        target,
        MemberStatus.ACTIVE,
    )


def test_transfer_to_other_county_waits_then_accepted(county_user, other_county_user):
    source = GrassrootsUnionFactory()
    member = MemberFactory(union=source)
    target = GrassrootsUnionFactory(region=region("620103"))
    transfer = services.member_transfer(
        member=member, to_union=target, transferred_on=D(2024, 3, 1), reason="工作调动", user=county_user
    )
    member.refresh_from_db()
    assert (transfer.status, member.union, member.status) == (
        TransferStatus.PENDING,
        source,
        MemberStatus.TRANSFERRED,
    )
    with pytest.raises(ApplicationError, match="只有负责该地区的县区工会人员可以"):
        services.transfer_accept(transfer=transfer, user=county_user)  # the sender cannot accept
    services.transfer_accept(transfer=transfer, user=other_county_user)
    member.refresh_from_db()
    transfer.refresh_from_db()
    assert (transfer.status, transfer.decided_by, member.union, member.status) == (
        TransferStatus.COMPLETED,
        other_county_user,
        target,
        MemberStatus.ACTIVE,
    )
    with pytest.raises(ApplicationError) as exc:
        services.transfer_accept(transfer=transfer, user=other_county_user)
    assert exc.value.message == "该转接已处理（已完成）。"


def test_rejected_transfer_keeps_member_in_old_union_and_history(county_user, other_county_user):
    source = GrassrootsUnionFactory()
    member = MemberFactory(union=source)
    target = GrassrootsUnionFactory(region=region("620103"))
    first = services.member_transfer(
        member=member, to_union=target, transferred_on=D(2024, 3, 1), reason="调动", user=county_user
    )
    with pytest.raises(ApplicationError) as exc:
        services.transfer_reject(transfer=first, reason=" ", user=other_county_user)
    assert exc.value.message == "原因为必填项。"
    services.transfer_reject(transfer=first, reason="查无此人", user=other_county_user)
    member.refresh_from_db()
    assert (member.union, member.status) == (source, MemberStatus.ACTIVE)
    second = services.member_transfer(
        member=member,
        to_union=GrassrootsUnionFactory(),
        transferred_on=D(2024, 4, 1),
        reason="",
        user=county_user,
    )
    history = list(
        MembershipTransfer.objects.filter(member=member).order_by("id").values_list("status", "reason")
    )
    assert history == [
        (TransferStatus.REJECTED, "调动（退回原因：查无此人）"),
        (TransferStatus.COMPLETED, ""),
    ]
    assert second.from_union == source


def test_pending_member_cannot_leave_or_transfer_again(county_user):
    member = MemberFactory()
    services.member_transfer(
        member=member,
        to_union=GrassrootsUnionFactory(region=region("620103")),
        transferred_on=D(2024, 3, 1),
        reason="",
        user=county_user,
    )
    with pytest.raises(ApplicationError) as exc:
        services.member_leave(member=member, left_on=D(2024, 5, 1), user=county_user)
    assert exc.value.message == f"{member.name}有待处理的转接，请先等待处理结果。"
    with pytest.raises(ApplicationError, match="只有在会或保留会籍的会员可以转接"):
        services.member_transfer(
            member=member,
            to_union=GrassrootsUnionFactory(),
            transferred_on=D(2024, 3, 1),
            reason="",
            user=county_user,
        )
    assert MembershipTransfer.objects.count() == 1


def test_transfer_to_same_union_is_refused(county_user):
    member = MemberFactory()
    with pytest.raises(ApplicationError) as exc:
        services.member_transfer(
            member=member, to_union=member.union, transferred_on=D(2024, 3, 1), reason="", user=county_user
        )
    assert exc.value.message == f"该会员已属于{member.union.name}。"


# Online joining ---------------------------------------------------------------------------


def submit(union, id_number, **kw):
    data = {
        "union_code": union.code.lower(),
        "name": "赵六",
        "id_number": id_number,
        "phone": "13800001111",
        "household_type": HouseholdType.RURAL,
        "ethnicity": "汉族",
        "education": "高中",
        "key_group": "courier",
    }
    data.update(kw)
    return services.join_application_submit(**data)


def test_approve_creates_exactly_one_member_and_blocks_a_second_application(county_user):
    union = GrassrootsUnionFactory()
    rid = make_resident_id()
    application = submit(union, rid)
    with pytest.raises(ApplicationError) as exc:
        submit(union, rid)
    assert exc.value.message == "该身份证号已有一份申请在等待审核。"
    application = services.join_application_approve(
        application=application, user=county_user, joined_on=D(2024, 9, 1)
    )
    member = Member.objects.get(id_number=rid)
    assert (application.status, application.member, application.decided_by) == (
        ApplicationStatus.APPROVED,
        member,
        county_user,
    )
    assert (member.union, member.join_channel, member.joined_on, member.key_group, member.status) == (
        union,
        JoinChannel.ONLINE,
        D(2024, 9, 1),
        "courier",
        MemberStatus.ACTIVE,
    )
    with pytest.raises(ApplicationError) as exc:
        submit(GrassrootsUnionFactory(), rid)
    assert exc.value.message == "该身份证号已有在会会籍，请联系现所在工会办理转接。"
    with pytest.raises(ApplicationError) as exc:
        services.join_application_approve(application=application, user=county_user)
    assert exc.value.message == "该申请已经批准。"
    assert Member.objects.filter(id_number=rid).count() == 1
    assert JoinApplication.objects.filter(id_number=rid).count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent transactions")
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_applications_with_one_id_leave_exactly_one_pending():
    # given: two submissions of one ID whose duplicate checks both run before either commits
    union = GrassrootsUnionFactory()
    rid = make_resident_id()
    first_inserted = threading.Event()
    outcomes: dict[str, object] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                submit(union, rid)
                first_inserted.set()
                # hold the transaction open while the second submission checks and inserts
                second_done.wait(timeout=2)
            outcomes["first"] = "ok"
        finally:
            first_inserted.set()
            connections.close_all()

    second_done = threading.Event()

    def second() -> None:
        first_inserted.wait(timeout=10)
        try:
            submit(union, rid)
            outcomes["second"] = "ok"
        except ApplicationError as exc:
            outcomes["second"] = exc.message
        finally:
            second_done.set()
            connections.close_all()

    # when
    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    # then: the database let one through and the other got the user's message, not a 500
    assert outcomes == {"first": "ok", "second": "该身份证号已有一份申请在等待审核。"}
    assert JoinApplication.objects.filter(id_number=rid, status=ApplicationStatus.SUBMITTED).count() == 1


def test_reject_needs_a_reason_and_is_final(county_user):
    application = JoinApplicationFactory()
    with pytest.raises(ApplicationError, match="原因为必填项"):
        services.join_application_reject(application=application, reason="", user=county_user)
    services.join_application_reject(application=application, reason="非本单位职工", user=county_user)
    application.refresh_from_db()
    assert (application.status, application.reason) == (ApplicationStatus.REJECTED, "非本单位职工")
    with pytest.raises(ApplicationError) as exc:
        services.join_application_approve(application=application, user=county_user)
    assert exc.value.message == "该申请已被驳回，不能再次处理。"
    assert Member.objects.count() == 0


def test_submit_refuses_unknown_code_and_bad_phone(db):
    with pytest.raises(ApplicationError) as exc:
        services.join_application_submit(
            union_code="NOPE",
            name="x",
            id_number=make_resident_id(),
            phone="13800001111",
            household_type=HouseholdType.URBAN,
        )
    assert exc.value.message == "没有编码为 NOPE 的工会，请向您的工会核实编码。"
    with pytest.raises(ApplicationError) as exc:
        submit(GrassrootsUnionFactory(), make_resident_id(), phone="")
    assert exc.value.message == "手机号为必填项。"
    assert JoinApplication.objects.count() == 0


def test_approve_in_other_county_is_refused(other_county_user):
    application = JoinApplicationFactory()
    with pytest.raises(ApplicationError, match="只有负责该地区的县区工会人员可以"):
        services.join_application_approve(application=application, user=other_county_user)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert Member.objects.count() == 0


# Contracts --------------------------------------------------------------------------------


def test_contract_dates_are_validated(county_user):
    union = GrassrootsUnionFactory()
    with pytest.raises(ApplicationError) as exc:
        services.contract_create(
            number="HT-1",
            union=union,
            kind=ContractKind.WAGE,
            signed_on=D(2024, 5, 1),
            expires_on=D(2024, 4, 30),
            user=county_user,
        )
    assert exc.value.extra["fields"] == {"expires_on": ["到期日期不能早于签订日期。"]}
    contract = services.contract_create(
        number="HT-1",
        union=union,
        kind=ContractKind.WAGE,
        signed_on=D(2024, 5, 1),
        expires_on=D(2027, 4, 30),
        covered_workers=300,
        user=county_user,
    )
    services.contract_update(contract=contract, user=county_user, covered_workers=320)
    contract.refresh_from_db()
    assert contract.covered_workers == 320
    with pytest.raises(ApplicationError) as exc:
        services.contract_update(contract=contract, user=county_user, expires_on=D(2020, 1, 1))
    assert exc.value.message == "到期日期不能早于签订日期。"
    contract_pk = contract.pk
    services.contract_delete(contract=contract, user=county_user)
    assert CollectiveContract.objects.count() == 0
    assert audit_actions(contract, contract_pk) == [
        AuditAction.CREATE,
        AuditAction.UPDATE,
        AuditAction.DELETE,
    ]


def test_contract_number_unique_and_scope(county_user):
    ContractFactory(number="HT-2")
    with pytest.raises(ApplicationError) as exc:
        services.contract_create(
            number="HT-2",
            union=GrassrootsUnionFactory(),
            kind=ContractKind.GENERAL,
            signed_on=D(2024, 1, 1),
            expires_on=D(2025, 1, 1),
            user=county_user,
        )
    assert exc.value.message == "合同编号 HT-2 已存在。"
    with pytest.raises(ApplicationError, match="您无权修改该地区的记录"):
        services.contract_create(
            number="HT-3",
            union=GrassrootsUnionFactory(region=region("620103")),
            kind=ContractKind.GENERAL,
            signed_on=D(2024, 1, 1),
            expires_on=D(2025, 1, 1),
            user=county_user,
        )
    assert CollectiveContract.objects.count() == 1
