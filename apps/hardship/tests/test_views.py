import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from apps.core.choices import AuditAction
from apps.core.models import AuditEntry
from apps.core.testing import ScopedPageContract
from apps.core.tests.attachment_storage import isolated_storage
from apps.core.tests.factories import make_resident_id, region
from apps.unions.tests.factories import GrassrootsUnionFactory

from ..choices import Status
from ..models import Disbursement, FamilyMember, FilingStep, Household
from .factories import (
    DisbursementFactory,
    FamilyMemberFactory,
    FiledHouseholdFactory,
    HouseholdFactory,
    standard,
)
from .helpers import VISIT_PHOTO_MISSING, end_notice, png_bytes

pytestmark = pytest.mark.django_db


class TestHouseholdPageContract(ScopedPageContract):
    list_url_name = "hardship:household-list"
    detail_url_name = "hardship:household-detail"

    def make_object(self, region):
        return HouseholdFactory(union=GrassrootsUnionFactory(region=region))


class TestDisbursementPageContract(ScopedPageContract):
    list_url_name = "hardship:disbursement-list"
    detail_url_name = "hardship:household-detail"

    def make_object(self, region):
        return DisbursementFactory(
            household=FiledHouseholdFactory(union=GrassrootsUnionFactory(region=region))
        )

    def detail_url(self, obj):
        return reverse(self.detail_url_name, args=[obj.household_id])


@pytest.mark.parametrize(
    "name",
    [
        "household-update",
        "member-create",
        "household-advance",
        "household-objection",
        "household-withdraw",
        "household-exit",
        "household-recheck",
        "household-reenter",
        "disbursement-create",
    ],
)
def test_action_pages_of_another_county_are_404(client, other_county_user, name):
    h = HouseholdFactory()
    client.force_login(other_county_user)
    assert client.get(reverse(f"hardship:{name}", args=[h.pk])).status_code == 404
    assert client.post(reverse(f"hardship:{name}", args=[h.pk]), {"note": "x"}).status_code == 404
    assert Household.objects.get(pk=h.pk).status == Status.NEW


def test_member_pages_of_another_county_are_404(client, other_county_user):
    m = FamilyMemberFactory()
    client.force_login(other_county_user)
    assert client.get(reverse("hardship:member-update", args=[m.pk])).status_code == 404
    assert client.post(reverse("hardship:member-delete", args=[m.pk])).status_code == 404
    assert FamilyMember.objects.filter(pk=m.pk).exists()


@pytest.mark.parametrize("name", ["hardship:review-queue", "hardship:recheck-due"])
def test_other_lists_need_login_and_are_scoped(client, other_county_user, prefecture_user, name):
    h = HouseholdFactory(status=Status.NOTICE, notice_ends_on=dt.date(2024, 1, 1))
    f = FiledHouseholdFactory(last_checked_on=dt.date(2020, 1, 1))
    assert client.get(reverse(name)).status_code == 302
    client.force_login(other_county_user)
    assert list(client.get(reverse(name)).context["object_list"]) == []
    client.force_login(prefecture_user)
    expected = [h] if name == "hardship:review-queue" else [f]
    assert list(client.get(reverse(name)).context["object_list"]) == expected


@pytest.fixture
def storage(settings, tmp_path):
    yield from isolated_storage(settings, tmp_path)


def test_filing_through_the_pages(client, county_user, prefecture_user, storage):
    standard("620000")
    union = GrassrootsUnionFactory(code="GU-P1")
    client.force_login(county_user)
    head = make_resident_id()
    resp = client.post(
        reverse("hardship:household-create"),
        {
            "union": "GU-P1",
            "head_name": "钱进",
            "head_id_number": head,
            "head_income": "500",
            "head_health": "chronic",
            "category": "deep",
            "causes": ["illness", "disaster"],
            "rigid_expenses": "100",
        },
    )
    h = Household.objects.get(head_id_number=head)
    assert resp.status_code == 302 and resp["Location"] == reverse("hardship:household-detail", args=[h.pk])
    assert (h.union, h.causes, h.created_by) == (union, "illness,disaster", county_user)
    resp = client.post(
        reverse("hardship:member-create", args=[h.pk]),
        {
            "name": "孙",
            "id_number": make_resident_id(),
            "relation": "child",
            "monthly_income": "0",
            "health": "healthy",
        },
    )
    assert resp.status_code == 302
    for step in ("visit", "inspect", "calculate", "deliberate", "evaluate", "notice"):
        page = client.get(reverse("hardship:household-advance", args=[h.pk]))
        assert page.context["step"] == step
        resp = client.post(
            reverse("hardship:household-advance", args=[h.pk]),
            {"step": step, "note": "完成", "attachments": "表.pdf"},
        )
        assert resp.status_code == 302, resp.content.decode()[:2000]
    h.refresh_from_db()
    assert (h.status, h.per_capita_income) == (Status.NOTICE, Decimal("200.00"))
    detail = client.get(reverse("hardship:household-detail", args=[h.pk]))
    assert detail.context["suggested_category"] == "deep"
    assert detail.context["next_step"] == "review"
    # the county user is refused the review with a clear message, nothing changes
    end_notice(h)
    resp = client.post(
        reverse("hardship:household-advance", args=[h.pk]), {"step": "review", "decision": "approve"}
    )
    assert resp.status_code == 200
    assert "只有市州工会、省总工会的人员可以审核该困难职工家庭。" in resp.content.decode()
    assert Household.objects.get(pk=h.pk).status == Status.NOTICE
    client.force_login(prefecture_user)
    assert [x.pk for x in client.get(reverse("hardship:review-queue")).context["object_list"]] == [h.pk]
    # without the photo of the home visit the review is refused with the reason
    resp = client.post(
        reverse("hardship:household-advance", args=[h.pk]),
        {"step": "review", "decision": "approve", "note": "同意"},
    )
    assert resp.status_code == 200
    assert VISIT_PHOTO_MISSING in resp.content.decode()
    assert Household.objects.get(pk=h.pk).status == Status.NOTICE
    # the county takes it on the household's page
    client.force_login(county_user)
    detail_url = reverse("hardship:household-detail", args=[h.pk])
    resp = client.post(
        reverse("attachment-upload", args=["hardship.household", h.pk]),
        {"kind": "visit_photo", "next": detail_url, "file": [SimpleUploadedFile("走访.png", png_bytes())]},
    )
    assert resp.status_code == 302 and resp["Location"] == detail_url
    client.force_login(prefecture_user)
    resp = client.post(
        reverse("hardship:household-advance", args=[h.pk]),
        {"step": "review", "decision": "approve", "note": "同意"},
    )
    assert resp.status_code == 302
    h.refresh_from_db()
    assert (h.status, h.filed_on) == (Status.FILED, timezone.localdate())
    assert FilingStep.objects.filter(household=h).count() == 7


def test_skipping_through_the_page_is_refused(client, county_user):
    h = HouseholdFactory()
    client.force_login(county_user)
    resp = client.post(reverse("hardship:household-advance", args=[h.pk]), {"step": "evaluate", "note": "x"})
    assert resp.status_code == 200
    assert resp.context["form"].non_field_errors()
    assert Household.objects.get(pk=h.pk).status == Status.NEW
    assert not FilingStep.objects.filter(household=h).exists()


def test_detail_masks_without_the_right_and_logs_unmasked_views(client, county_user, admin_user):
    h = HouseholdFactory(head_income=Decimal("1234.56"))
    m = FamilyMemberFactory(household=h, monthly_income=Decimal("777.77"))
    client.force_login(county_user)
    body = client.get(reverse("hardship:household-detail", args=[h.pk])).content.decode()
    assert h.head_id_number not in body and m.id_number not in body
    assert "1234.56" not in body and "777.77" not in body
    assert h.head_id_number[:6] + "********" + h.head_id_number[-4:] in body
    assert not AuditEntry.objects.filter(action=AuditAction.VIEW).exists()
    client.force_login(admin_user)
    body = client.get(reverse("hardship:household-detail", args=[h.pk])).content.decode()
    assert h.head_id_number in body and "1234.56" in body and m.id_number in body
    # one entry per record shown in full: the household and its family member
    views = AuditEntry.objects.filter(action=AuditAction.VIEW).order_by("content_type__model")
    assert [(e.content_type.model, e.object_id, e.user) for e in views] == [
        ("familymember", str(m.pk), admin_user),
        ("household", str(h.pk), admin_user),
    ]


def test_list_masks_ids_and_filters(client, county_user):
    a = FiledHouseholdFactory(head_name="甲户")
    HouseholdFactory(head_name="乙户")
    client.force_login(county_user)
    resp = client.get(reverse("hardship:household-list"), {"status": "filed"})
    assert list(resp.context["object_list"]) == [a]
    assert a.head_id_number not in resp.content.decode()
    resp = client.get(reverse("hardship:household-list"), {"q": "乙", "o": "head_name"})
    assert [h.head_name for h in resp.context["object_list"]] == ["乙户"]


def test_conflict_is_shown_with_county_and_status_only(client, county_user):
    other = FiledHouseholdFactory(union=GrassrootsUnionFactory(region=region("623001")), head_name="秘密姓名")
    h = HouseholdFactory()
    FamilyMemberFactory(household=h, id_number=other.head_id_number)
    client.force_login(county_user)
    body = client.get(reverse("hardship:household-detail", args=[h.pk])).content.decode()
    assert 'data-testid="conflicts"' in body and "合作市" in body
    assert "秘密姓名" not in body


def test_aid_exit_and_reentry_pages(client, county_user):
    h = FiledHouseholdFactory()
    client.force_login(county_user)
    resp = client.post(
        reverse("hardship:disbursement-create", args=[h.pk]),
        {
            "kind": "education",
            "amount": "800.00",
            "paid_on": "2024-09-01",
            "fund_source": "工会经费",
            "student_name": "小明",
        },
    )
    assert resp.status_code == 302
    assert Disbursement.objects.get(household=h).student_name == "小明"
    detail = client.get(reverse("hardship:household-detail", args=[h.pk]))
    assert detail.context["yearly_totals"] == [{"year": 2024, "total": Decimal("800.00"), "count": 1}]
    resp = client.post(
        reverse("hardship:household-exit", args=[h.pk]), {"exited_on": "2024-10-01", "reason": "就业"}
    )
    assert resp.status_code == 302
    resp = client.post(
        reverse("hardship:disbursement-create", args=[h.pk]),
        {"kind": "living", "amount": "100.00", "paid_on": "2024-10-02"},
    )
    assert resp.status_code == 200
    assert Disbursement.objects.filter(household=h).count() == 1
    resp = client.post(reverse("hardship:household-reenter", args=[h.pk]), {"note": "再次困难"})
    new = Household.objects.get(previous=h)
    assert resp["Location"] == reverse("hardship:household-detail", args=[new.pk])


def test_county_user_cannot_open_the_review_form_for_review(client, county_user):
    h = HouseholdFactory(status=Status.NOTICE, notice_ends_on=dt.date(2024, 1, 1), created_by=county_user)
    client.force_login(county_user)
    detail = client.get(reverse("hardship:household-detail", args=[h.pk]))
    assert detail.context["may_review"] is False


def test_model_worker_flag_on_the_detail_page(client, county_user):
    from apps.model_workers.tests.factories import ModelWorkerFactory

    h = HouseholdFactory()
    m = FamilyMemberFactory(household=h)
    plain = HouseholdFactory()
    ModelWorkerFactory(id_number=m.id_number)
    client.force_login(county_user)
    assert client.get(reverse("hardship:household-detail", args=[h.pk])).context["model_worker"] is True
    body = client.get(reverse("hardship:household-detail", args=[plain.pk]))
    assert body.context["model_worker"] is False
    assert 'data-testid="model-worker-flag"' not in body.content.decode()


def test_edit_pages_keep_masked_ids(client, county_user):
    h = HouseholdFactory(head_name="旧名")
    m = FamilyMemberFactory(household=h, name="旧成员")
    client.force_login(county_user)
    resp = client.post(
        reverse("hardship:household-update", args=[h.pk]),
        {
            "head_name": "新名",
            "head_id_number": "",
            "head_income": "800",
            "head_health": "healthy",
            "category": "deep",
            "causes": ["illness"],
            "rigid_expenses": "0",
        },
    )
    assert resp.status_code == 302
    h2 = Household.objects.get(pk=h.pk)
    assert (h2.head_name, h2.head_id_number, h2.category) == ("新名", h.head_id_number, "deep")
    resp = client.post(
        reverse("hardship:member-update", args=[m.pk]),
        {"name": "新成员", "id_number": "", "relation": "child", "monthly_income": "0", "health": "healthy"},
    )
    assert resp.status_code == 302
    m2 = FamilyMember.objects.get(pk=m.pk)
    assert (m2.name, m2.id_number, m2.relation) == ("新成员", m.id_number, "child")


def test_household_list_page_query_count_does_not_grow_with_rows(
    client, county_user, django_assert_max_num_queries
):
    for _ in range(8):
        HouseholdFactory()
    client.force_login(county_user)
    with django_assert_max_num_queries(12):
        resp = client.get(reverse("hardship:household-list"))
    assert len(resp.context["object_list"]) == 8
