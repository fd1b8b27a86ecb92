"""Shared steps for the hardship tests."""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone

from apps.core.importing import choice_label
from apps.core.tests.attachment_storage import evidence

from .. import services
from ..choices import SEQUENCE, Step
from ..models import Household

BEFORE_REVIEW = [s for s, _b, _a in SEQUENCE if s != Step.REVIEW]
# the review's refusal while no visit photo is attached (services.check_visit_evidence)
VISIT_PHOTO_MISSING = "至少上传一张入户走访照片（进、看的走访记录）后，该家庭才能通过审核。"


def png_bytes(size: tuple[int, int] = (40, 30)) -> bytes:
    """A real PNG image, for a visit photo."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (90, 160, 90)).save(out, "PNG")
    return out.getvalue()


def walk(household: Household, user, until: str = Step.NOTICE) -> Household:
    """Advance a household through the steps up to and including ``until``, with a visit
    photo on file from the visit on."""
    for step in [s for s, _b, _a in SEQUENCE]:
        household = services.household_advance(
            household=household,
            user=user,
            step=step,
            note=f"{choice_label(Step, step)}：完成",
            attachments="材料.pdf",
        )
        if step == Step.VISIT:
            # the visit photo on file (a row, no file), as the review will ask for it
            evidence(household, services.VISIT_PHOTO)
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
