"""Choices with the Chinese labels the import templates use (IMPORT.md): labels are a contract."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Programme(models.TextChoices):
    JINQIU = "jinqiu", "金秋助学"
    WARMTH = "warmth", "送温暖"
    TEMPORARY = "temporary", "临时救助"


class RecipientKind(models.TextChoices):
    WORKER = "worker", "困难职工"
    MIGRANT = "migrant", "困难农民工"
    OTHER = "other", "其他职工"


class SchoolLevel(models.TextChoices):
    UNDERGRADUATE = "undergraduate", "本科"
    JUNIOR_COLLEGE = "junior_college", "专科"
    HIGHER_VOCATIONAL = "higher_vocational", "高职"
    SECONDARY_VOCATIONAL = "secondary_vocational", "中职"


class ReliefStatus(models.TextChoices):
    """A payment above its programme's approval threshold waits for the level above."""

    PENDING = "pending", _("awaiting approval")
    APPROVED = "approved", _("approved, not yet paid")
    PAID = "paid", _("paid")
    REJECTED = "rejected", _("rejected")


class VisitKind(models.TextChoices):
    ENTERPRISE = "enterprise", "企业"
    HOUSEHOLD = "household", "职工家庭"


class EmploymentKind(models.TextChoices):
    REFERRAL = "referral", "职业介绍"
    GUIDANCE = "guidance", "职业指导"
    LABOUR_EXPORT = "labour_export", "劳务输出"


class TrainingKind(models.TextChoices):
    SKILLS = "skills", "职业技能培训"
    MIGRANT = "migrant", "农民工培训"
    CADRE = "cadre", "工会干部培训"


class CaseKind(models.TextChoices):
    WAGE_ARREARS = "wage_arrears", "欠薪"
    LABOUR_CONTRACT = "labour_contract", "劳动合同"
    WORK_INJURY = "work_injury", "工伤"
    SOCIAL_INSURANCE = "social_insurance", "社会保险"
    OTHER = "other", "其他"


class CaseStatus(models.TextChoices):
    RECEIVED = "received", _("received")
    IN_PROGRESS = "in_progress", _("in progress")
    CLOSED = "closed", pgettext_lazy("rights case", "closed")


class LoanStatus(models.TextChoices):
    """Derived from the dates, never stored: repaid, overdue (past due and not repaid), current."""

    CURRENT = "current", _("current")
    OVERDUE = "overdue", _("overdue")
    REPAID = "repaid", _("repaid")
