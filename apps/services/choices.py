"""Choices with the Chinese labels the import templates use (IMPORT.md): labels are a contract.

Each Chinese label is its own msgid: the pages show it in the UI language (locale/en has the
English), while the import pipeline reads and writes it in Chinese whatever the language.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Programme(models.TextChoices):
    JINQIU = "jinqiu", _("金秋助学")
    WARMTH = "warmth", _("送温暖")
    TEMPORARY = "temporary", _("临时救助")


class RecipientKind(models.TextChoices):
    WORKER = "worker", _("困难职工")
    MIGRANT = "migrant", _("困难农民工")
    OTHER = "other", _("其他职工")


class SchoolLevel(models.TextChoices):
    UNDERGRADUATE = "undergraduate", _("本科")
    JUNIOR_COLLEGE = "junior_college", _("专科")
    HIGHER_VOCATIONAL = "higher_vocational", _("高职")
    SECONDARY_VOCATIONAL = "secondary_vocational", _("中职")


class ReliefStatus(models.TextChoices):
    """A payment above its programme's approval threshold waits for the level above."""

    PENDING = "pending", _("awaiting approval")
    APPROVED = "approved", _("approved, not yet paid")
    PAID = "paid", _("paid")
    REJECTED = "rejected", _("rejected")


class VisitKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    HOUSEHOLD = "household", _("职工家庭")


class EmploymentKind(models.TextChoices):
    REFERRAL = "referral", _("职业介绍")
    GUIDANCE = "guidance", _("职业指导")
    LABOUR_EXPORT = "labour_export", _("劳务输出")


class TrainingKind(models.TextChoices):
    SKILLS = "skills", _("职业技能培训")
    MIGRANT = "migrant", _("农民工培训")
    CADRE = "cadre", _("工会干部培训")


class CaseKind(models.TextChoices):
    WAGE_ARREARS = "wage_arrears", _("欠薪")
    LABOUR_CONTRACT = "labour_contract", _("劳动合同")
    WORK_INJURY = "work_injury", _("工伤")
    SOCIAL_INSURANCE = "social_insurance", _("社会保险")
    OTHER = "other", _("其他")


class CaseStatus(models.TextChoices):
    RECEIVED = "received", _("received")
    IN_PROGRESS = "in_progress", _("in progress")
    CLOSED = "closed", pgettext_lazy("rights case", "closed")


class LoanStatus(models.TextChoices):
    """Derived from the dates, never stored: repaid, overdue (past due and not repaid), current."""

    CURRENT = "current", _("current")
    OVERDUE = "overdue", _("overdue")
    REPAID = "repaid", _("repaid")
