"""Choices with the Chinese labels the import templates use (IMPORT.md): labels are a contract.

Each Chinese label is its own msgid: the pages show it in the UI language (locale/en has the
English), while the import pipeline reads and writes it in Chinese whatever the language.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerLevel(models.TextChoices):
    NATIONAL = "national", _("全国")
    PROVINCIAL = "provincial", _("省部级")
    PROVINCIAL_TREATMENT = "provincial_treatment", _("享受省部级待遇")
    PREFECTURE = "prefecture", _("市级")


class WorkerTitle(models.TextChoices):
    MODEL_WORKER = "model_worker", _("劳动模范")
    ADVANCED_WORKER = "advanced_worker", _("先进工作者")


class WorkerStatus(models.TextChoices):
    ALIVE = "alive", _("在世")
    DECEASED = "deceased", _("已故")


class HonourKind(models.TextChoices):
    """May Day Labour Medal to a person, Certificate to a unit, Workers' Pioneer to a team."""

    MEDAL = "medal", _("五一劳动奖章")
    CERTIFICATE = "certificate", _("五一劳动奖状")
    PIONEER = "pioneer", _("工人先锋号")


class HonourLevel(models.TextChoices):
    NATIONAL = "national", _("全国")
    PROVINCIAL = "provincial", _("省级")


class BenefitKind(models.TextChoices):
    ALLOWANCE = "allowance", _("荣誉津贴")
    HARDSHIP = "hardship", _("生活困难补助")
    SPECIAL_HARDSHIP = "special_hardship", _("特殊困难帮扶")
    CONDOLENCE = "condolence", _("慰问")


# Kinds that count towards mw.hardship_subsidy_amount.
HARDSHIP_BENEFIT_KINDS = (BenefitKind.HARDSHIP, BenefitKind.SPECIAL_HARDSHIP)


class StudioLevel(models.TextChoices):
    DEMONSTRATION = "demonstration", _("省级示范")
    PROVINCIAL = "provincial", _("省级")
    PREFECTURE = "prefecture", _("市级")


class VenueKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    SCHOOL = "school", _("学校")
    COMMUNITY = "community", _("社区")
