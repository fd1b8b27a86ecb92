import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from apps.core.choices import AuditAction
from apps.core.models import AuditEntry
from apps.core.testing import ScopedAPIContract
from apps.core.tests.attachment_storage import isolated_storage
from apps.core.tests.factories import make_resident_id
from apps.unions.tests.factories import GrassrootsUnionFactory

from ..choices import Status
from ..models import FilingStep, Household
from .factories import (
    DisbursementFactory,
    FamilyMemberFactory,
    FiledHouseholdFactory,
    HouseholdFactory,
    standard,
)
from .helpers import VISIT_PHOTO_MISSING, end_notice, png_bytes

pytestmark = pytest.mark.django_db


class TestHouseholdAPIContract(ScopedAPIContract):
    basename = "household"

    def make_object(self, region):
        return HouseholdFactory(union=GrassrootsUnionFactory(region=region))

    def create_payload(self, region):
        union = GrassrootsUnionFactory(region=region)
        return {
            "union": union.code,
            "head_name": "王",
            "head_id_number": make_resident_id(region.code),
            "category": "deep",
            "causes": ["illness"],
        }

    def update_payload(self, obj):
        return {"head_name": "改名"}


class TestFamilyMemberAPIContract(ScopedAPIContract):
    basename = "household-member"

    def make_object(self, region):
        return FamilyMemberFactory(household=HouseholdFactory(union=GrassrootsUnionFactory(region=region)))

    def create_payload(self, region):
        h = HouseholdFactory(union=GrassrootsUnionFactory(region=region))
        return {
            "household": h.pk,
            "name": "成员",
            "id_number": make_resident_id(),
            "relation": "child",
            "health": "healthy",
        }

    def update_payload(self, obj):
        return {"name": "改名"}


class TestDisbursementAPIContract(ScopedAPIContract):
    basename = "hardship-disbursement"

    def make_object(self, region):
        return DisbursementFactory(
            household=FiledHouseholdFactory(union=GrassrootsUnionFactory(region=region))
        )

    def create_payload(self, region):
        h = FiledHouseholdFactory(union=GrassrootsUnionFactory(region=region))
        return {"household": h.pk, "kind": "living", "amount": "100.00", "paid_on": "2024-05-01"}

    def update_payload(self, obj):
        return {"amount": "1.00"}


def _advance(client, h, step, note="完成"):
    return client.post(
        reverse("api:household-advance", args=[h.pk]), {"step": step, "note": note}, format="json"
    )


@pytest.fixture
def storage(settings, tmp_path):
    yield from isolated_storage(settings, tmp_path)


def test_full_filing_through_the_api(api_client, county_user, prefecture_user, storage):
    standard("620000")
    c = api_client(county_user)
    resp = c.post(
        reverse("api:household-list"),
        {
            "union": GrassrootsUnionFactory().code,
            "head_name": "赵强",
            "head_id_number": make_resident_id(),
            "head_income": "900.00",
            "category": "relative",
            "causes": ["illness", "disability"],
        },
        format="json",
    )
    assert resp.status_code == 201, resp.json()
    h = Household.objects.get(pk=resp.json()["id"])
    assert (resp.json()["next_step"], h.created_by) == ("visit", county_user)
    m = c.post(
        reverse("api:household-member-list"),
        {
            "household": h.pk,
            "name": "妻",
            "id_number": make_resident_id(),
            "relation": "spouse",
            "monthly_income": "300.00",
        },
        format="json",
    )
    assert m.status_code == 201, m.json()
    for step in ("visit", "inspect", "calculate", "deliberate", "evaluate", "notice"):
        resp = _advance(c, h, step)
        assert resp.status_code == 200, resp.json()
    assert resp.json()["status"] == "notice"
    h = end_notice(h)
    # without the photo of the home visit the review is refused, and nothing changes
    resp = _advance(api_client(prefecture_user), h, "review", "同意")
    assert resp.status_code == 400
    assert resp.json()["message"] == VISIT_PHOTO_MISSING
    assert Household.objects.get(pk=h.pk).status == Status.NOTICE
    # the county attaches it, then the review files the household
    photo = SimpleUploadedFile("走访.png", png_bytes(), content_type="image/png")
    url = reverse("api:household-attachments", args=[h.pk])
    assert c.post(url, {"file": photo, "kind": "visit_photo"}, format="multipart").status_code == 201
    resp = _advance(api_client(prefecture_user), h, "review", "同意")
    assert resp.status_code == 200, resp.json()
    assert (resp.json()["status"], resp.json()["filed_on"]) == ("filed", timezone.localdate().isoformat())
    assert FilingStep.objects.filter(household=h).count() == 7


def test_skip_repeat_and_self_review_are_refused_with_a_message(api_client, county_user):
    standard("620000")
    h = HouseholdFactory(created_by=county_user)
    c = api_client(county_user)
    resp = _advance(c, h, "calculate")
    assert resp.status_code == 400
    assert resp.json()["message"] == "现在不能进行“算”：该家庭为“待入户走访”，下一步是“进”。"
    assert _advance(c, h, "visit").status_code == 200
    resp = _advance(c, h, "visit")
    assert resp.status_code == 400
    assert "下一步是“看”" in resp.json()["message"]
    for step in ("inspect", "calculate", "deliberate", "evaluate", "notice"):
        assert _advance(c, h, step).status_code == 200
    end_notice(h)
    resp = _advance(c, h, "review")
    assert resp.status_code == 400
    assert resp.json()["message"] == "只有市州工会、省总工会的人员可以审核该困难职工家庭。"
    assert Household.objects.get(pk=h.pk).status == Status.NOTICE
    assert FilingStep.objects.filter(household=h).count() == 6


def test_reviewer_finds_the_household_and_the_queue(
    api_client, county_user, prefecture_user, other_county_user
):
    h = HouseholdFactory(status=Status.NOTICE, notice_ends_on=dt.date(2024, 1, 1))
    HouseholdFactory(status=Status.EVALUATED)
    resp = api_client(prefecture_user).get(reverse("api:household-review-queue"))
    assert [r["id"] for r in resp.json()["results"]] == [h.pk]
    assert api_client(county_user).get(reverse("api:household-review-queue")).json()["results"] == []
    # another county cannot even see it
    assert _advance(api_client(other_county_user), h, "review").status_code == 404


def test_objection_exit_recheck_and_reentry_actions(api_client, county_user):
    c = api_client(county_user)
    h = HouseholdFactory(status=Status.NOTICE, notice_ends_on=timezone.localdate() + dt.timedelta(days=3))
    resp = c.post(reverse("api:household-objection", args=[h.pk]), {"note": "有异议"}, format="json")
    assert (resp.status_code, resp.json()["status"], resp.json()["next_step"]) == (
        200,
        "calculated",
        "deliberate",
    )
    f = FiledHouseholdFactory()
    assert (
        c.post(reverse("api:household-recheck", args=[f.pk]), {"note": "ok"}, format="json").status_code
        == 200
    )
    resp = c.post(
        reverse("api:household-exit", args=[f.pk]),
        {"exited_on": "2024-06-01", "reason": "脱困"},
        format="json",
    )
    assert (resp.status_code, resp.json()["status"]) == (200, "exited")
    resp = c.post(
        reverse("api:hardship-disbursement-list"),
        {"household": f.pk, "kind": "living", "amount": "100.00", "paid_on": "2024-07-01"},
        format="json",
    )
    assert resp.status_code == 400
    assert resp.json()["message"] == "该家庭已于 2024-06-01 解困脱困，不能发放帮扶。"
    resp = c.post(reverse("api:household-reenter", args=[f.pk]), {"note": "返困"}, format="json")
    assert (resp.status_code, resp.json()["status"], resp.json()["previous"]) == (201, "new", f.pk)


def test_conflicts_endpoint_reveals_only_county_and_status(api_client, county_user):
    other = FiledHouseholdFactory(
        union=GrassrootsUnionFactory(
            region=__import__("apps.core.tests.factories", fromlist=["region"]).region("623001")
        )
    )
    h = HouseholdFactory()
    FamilyMemberFactory(household=h, id_number=other.head_id_number)
    resp = api_client(county_user).get(reverse("api:household-conflicts", args=[h.pk]))
    assert resp.json() == {
        "conflicts": [
            {
                "id_number": other.head_id_number[:6] + "********" + other.head_id_number[-4:],
                "county": "合作市",
                "status": "已建档",
            }
        ]
    }


def test_ids_and_incomes_are_masked_without_the_right_and_unmasked_views_are_logged(
    api_client, county_user, admin_user
):
    h = HouseholdFactory(head_income=Decimal("1234.00"))
    FamilyMemberFactory(household=h)
    data = api_client(county_user).get(reverse("api:household-detail", args=[h.pk])).json()
    assert data["head_id_number"] == h.head_id_number[:6] + "********" + h.head_id_number[-4:]
    # a masked amount is null (the schema says a nullable decimal), never a made-up string
    assert (data["head_income"], data["members"][0]["monthly_income"]) == (None, None)
    assert not AuditEntry.objects.filter(action=AuditAction.VIEW).exists()
    data = api_client(admin_user).get(reverse("api:household-detail", args=[h.pk])).json()
    assert (data["head_id_number"], data["head_income"]) == (h.head_id_number, "1234.00")
    # one entry per record shown in full: the household and its family member
    views = AuditEntry.objects.filter(action=AuditAction.VIEW).order_by("content_type__model")
    assert [(e.content_type.model, e.object_id, e.user) for e in views] == [
        ("familymember", str(h.members.get().pk), admin_user),
        ("household", str(h.pk), admin_user),
    ]


def test_household_list_filters(api_client, county_user):
    a = FiledHouseholdFactory(head_name="甲户", category="deep", causes="illness,education")
    HouseholdFactory(head_name="乙户", category="relative", causes="disaster")
    c = api_client(county_user)
    ids = lambda params: [r["id"] for r in c.get(reverse("api:household-list"), params).json()["results"]]  # noqa: E731
    assert ids({"status": "filed"}) == [a.pk]
    assert ids({"cause": "education"}) == [a.pk]
    assert ids({"q": a.head_id_number}) == [a.pk]
    assert ids({"q": "甲"}) == [a.pk]
    assert ids({"region": "620103"}) == []


def test_household_list_query_count_does_not_grow_with_rows(
    api_client, county_user, django_assert_max_num_queries
):
    for _ in range(6):
        household = HouseholdFactory()
        FamilyMemberFactory(household=household)
        DisbursementFactory(household=household)  # the disbursement list has rows to serialize too
    c = api_client(county_user)
    with django_assert_max_num_queries(9):  # session, user, scope (2), count, rows, members, perms (2)
        resp = c.get(reverse("api:household-list"))
    assert resp.json()["count"] == 6
    with django_assert_max_num_queries(9):
        resp = c.get(reverse("api:hardship-disbursement-list"))
    assert resp.status_code == 200
    assert resp.json()["count"] == 6
