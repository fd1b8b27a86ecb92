"""Choices with the Chinese labels the import templates use (IMPORT.md): labels are a contract.

Each Chinese label is its own msgid: the pages show it in the UI language (locale/en has the
English), while the import pipeline reads and writes it in Chinese whatever the language.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CompetitionKind(models.TextChoices):
    MAJOR_PROJECT = "major_project", _("重大项目")
    PARK = "park", _("园区")
    ENTERPRISE = "enterprise", _("企业")
    SKILL = "skill", _("技能竞赛")
    ANKANG = "ankang", _("安康杯")


class InnovationKind(models.TextChoices):
    ACHIEVEMENT = "achievement", _("技术创新成果")
    METHOD = "method", _("先进操作法")


class Grade(models.TextChoices):
    """The award grade of an achievement or method; blank means none."""

    SPECIAL = "special", _("特等奖")
    FIRST = "first", _("一等奖")
    SECOND = "second", _("二等奖")
    THIRD = "third", _("三等奖")
