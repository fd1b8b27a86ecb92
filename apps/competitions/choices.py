"""Choices with the Chinese labels the import templates use (IMPORT.md): labels are a contract."""

from django.db import models


class CompetitionKind(models.TextChoices):
    MAJOR_PROJECT = "major_project", "重大项目"
    PARK = "park", "园区"
    ENTERPRISE = "enterprise", "企业"
    SKILL = "skill", "技能竞赛"
    ANKANG = "ankang", "安康杯"


class InnovationKind(models.TextChoices):
    ACHIEVEMENT = "achievement", "技术创新成果"
    METHOD = "method", "先进操作法"


class Grade(models.TextChoices):
    """The award grade of an achievement or method; blank means none."""

    SPECIAL = "special", "特等奖"
    FIRST = "first", "一等奖"
    SECOND = "second", "二等奖"
    THIRD = "third", "三等奖"
