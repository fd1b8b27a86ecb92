"""A detail page's change history reads as people read it: field labels, choice labels, the
related record's name, yes/no and local time — never raw field names, codes or ids."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone, translation

from apps.competitions import services as competition_services
from apps.competitions.tests.factories import CompetitionFactory
from apps.core import audit
from apps.core.choices import AuditAction
from apps.core.history import describe
from apps.core.models import AuditEntry
from apps.core.tests.factories import region
from apps.services.models import RightsCase
from apps.services.tests.factories import RightsCaseFactory


def test_choice_changes_show_the_field_label_and_choice_labels(db, county_user):
    competition = CompetitionFactory(organizer_region=region("620102"), kind="enterprise")
    competition_services.competition_update(competition=competition, user=county_user, kind="skill")
    entry = AuditEntry.objects.filter(object_id=str(competition.pk), action=AuditAction.UPDATE).get()
    with translation.override("zh-hans"):
        (described,) = describe([entry], type(competition))
    (row,) = described.rows
    assert (row.label, row.before, row.after) == ("类型", "企业", "技能竞赛")


def test_foreign_keys_show_the_related_name_and_times_are_local(db, county_user):
    case = RightsCaseFactory(region=region("620102"))
    moment = dt.datetime(2024, 5, 1, 1, 30, tzinfo=dt.UTC)  # 09:30 in Asia/Shanghai
    entry = audit.record(
        case,
        AuditAction.UPDATE,
        changes={"region": [region("620102").pk, region("620103").pk], "summary": ["", moment.isoformat()]},
        user=county_user,
    )
    with translation.override("zh-hans"), timezone.override("Asia/Shanghai"):
        (described,) = describe([entry], RightsCase)
    rows = {r.label: (r.before, r.after) for r in described.rows}
    assert rows["地区"] == (str(region("620102")), str(region("620103")))
    assert rows["案情摘要"] == ("—", "2024-05-01 09:30")


def test_the_detail_page_shows_no_raw_field_name_or_code(client, county_user):
    competition = CompetitionFactory(organizer_region=region("620102"), kind="enterprise")
    competition_services.competition_update(competition=competition, user=county_user, kind="skill")
    client.force_login(county_user)
    html = client.get(reverse("competitions:competition-detail", args=[competition.pk])).content.decode()
    history = html[html.index("变更记录") if "变更记录" in html else html.index("History") :]
    assert "类型" in history and "技能竞赛" in history
    assert "kind:" not in history and "skill" not in history.replace("技能竞赛", "")
    assert "∅" not in history
