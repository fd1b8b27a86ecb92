"""What the dashboard says of its figures' age matches how they are kept up to date (issue 13):
after writes within minutes when REPORTS_REFRESH_ON_WRITE is on, else only every night."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from apps.reports import services

pytestmark = pytest.mark.django_db

YEAR = 2024


@pytest.fixture(autouse=True)
def _language_restored():
    yield
    translation.deactivate()


def _computed_at(client, user, language: str) -> str:
    services.summary_refresh(years=[YEAR], regions=[user.region])
    client.force_login(user)
    client.cookies["django_language"] = language
    html = client.get(reverse("reports:dashboard"), {"year": YEAR}).content.decode()
    found = re.search(r'data-testid="computed-at">(.*?)</span>', html, re.S)
    assert found, "the dashboard shows when its figures were computed"
    return found.group(1)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            "; they follow changes within about 5 minutes of their saving, and are all recomputed every night.",
        ),
        ("zh-hans", "；保存的修改约 5 分钟内计入，每晚全部重新计算"),
    ],
)
def test_with_refresh_on_write_the_dashboard_says_changes_follow_within_minutes(
    client, county_user, settings, language, expected
):
    settings.REPORTS_REFRESH_ON_WRITE = True
    settings.REPORTS_REFRESH_DELAY_SECONDS = 270  # rounded up to whole minutes
    text = _computed_at(client, county_user, language)
    assert text.endswith(expected)
    assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", text)
    assert "not counted yet" not in text and "尚未计入" not in text


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "; they are recomputed every night, so changes saved since then are not counted yet."),
        ("zh-hans", "；每晚重新计算，此后保存的修改尚未计入"),
    ],
)
def test_without_it_the_dashboard_says_nightly(client, county_user, settings, language, expected):
    settings.REPORTS_REFRESH_ON_WRITE = False
    text = _computed_at(client, county_user, language)
    assert text.endswith(expected)
    assert "minutes" not in text and "分钟" not in text
