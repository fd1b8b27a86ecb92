"""Choices with the Chinese labels the import templates use (IMPORT.md): labels are a contract."""

from django.db import models


class WorkerLevel(models.TextChoices):
    NATIONAL = "national", "全国"
    PROVINCIAL = "provincial", "省部级"
    PROVINCIAL_TREATMENT = "provincial_treatment", "享受省部级待遇"
    PREFECTURE = "prefecture", "市级"


class WorkerTitle(models.TextChoices):
    MODEL_WORKER = "model_worker", "劳动模范"
    ADVANCED_WORKER = "advanced_worker", "先进工作者"


class WorkerStatus(models.TextChoices):
    ALIVE = "alive", "在世"
    DECEASED = "deceased", "已故"


class HonourKind(models.TextChoices):
    """May Day Labour Medal to a person, Certificate to a unit, Workers' Pioneer to a team."""

    MEDAL = "medal", "五一劳动奖章"
    CERTIFICATE = "certificate", "五一劳动奖状"
    PIONEER = "pioneer", "工人先锋号"


class HonourLevel(models.TextChoices):
    NATIONAL = "national", "全国"
    PROVINCIAL = "provincial", "省级"


class BenefitKind(models.TextChoices):
    ALLOWANCE = "allowance", "荣誉津贴"
    HARDSHIP = "hardship", "生活困难补助"
    SPECIAL_HARDSHIP = "special_hardship", "特殊困难帮扶"
    CONDOLENCE = "condolence", "慰问"


# Kinds that count towards mw.hardship_subsidy_amount.
HARDSHIP_BENEFIT_KINDS = (BenefitKind.HARDSHIP, BenefitKind.SPECIAL_HARDSHIP)


class StudioLevel(models.TextChoices):
    DEMONSTRATION = "demonstration", "省级示范"
    PROVINCIAL = "provincial", "省级"
    PREFECTURE = "prefecture", "市级"


class VenueKind(models.TextChoices):
    ENTERPRISE = "enterprise", "企业"
    SCHOOL = "school", "学校"
    COMMUNITY = "community", "社区"
