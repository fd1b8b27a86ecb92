"""Shared steps for the hardship tests."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from apps.core.importing import choice_label

from .. import services
from ..choices import SEQUENCE, Step
from ..models import Household

BEFORE_REVIEW = [s for s, _b, _a in SEQUENCE if s != Step.REVIEW]


def walk(household: Household, user, until: str = Step.NOTICE) -> Household:
    """Advance a household through the steps up to and including ``until``."""
    for step in [s for s, _b, _a in SEQUENCE]:
        household = services.household_advance(
            household=household,
            user=user,
            step=step,
            note=f"{choice_label(Step, step)}：完成",
            attachments="材料.pdf",
        )
        if step == until:
            break
    return household


def end_notice(household: Household) -> Household:
    """As if the public notice had run its days."""
    Household.objects.filter(pk=household.pk).update(
        notice_ends_on=timezone.localdate() - dt.timedelta(days=1)
    )
    household.refresh_from_db()
    return household
