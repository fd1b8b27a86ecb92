"""The date range filters of every list: from and to on one line, each named for screen
readers, and the range still filters by the same parameters."""

import datetime as dt

from django.urls import reverse
from django.utils import translation

from apps.insurance.filtersets import ClaimFilterSet


def test_the_range_renders_from_and_to_in_one_group_with_their_names():
    with translation.override("zh-hans"):
        html = str(ClaimFilterSet(data={"paid_on_after": "2026-01-01"}).form["paid_on"])
    assert html.startswith('<span class="range">') and html.endswith("</span>")
    assert 'name="paid_on_after" value="2026-01-01"' in html
    assert 'aria-label="起始日期"' in html and 'aria-label="截止日期"' in html


def test_a_list_filters_by_the_range(db, client, county_user):
    from apps.hardship.tests.factories import DisbursementFactory

    early = DisbursementFactory(paid_on=dt.date(2026, 1, 5))
    late = DisbursementFactory(paid_on=dt.date(2026, 6, 5))
    client.force_login(county_user)
    url = reverse("hardship:disbursement-list")
    html = client.get(url, {"paid_on_after": "2026-03-01", "paid_on_before": "2026-12-31"}).content.decode()
    assert late.number in html and early.number not in html
    assert 'class="range"' in html
