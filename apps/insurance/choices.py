"""Choices with the Chinese labels the import templates use (IMPORT.md): labels are a contract.

Each Chinese label is its own msgid: the pages show it in the UI language (locale/en has the
English), while the import pipeline reads and writes it in Chinese whatever the language.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Product(models.TextChoices):
    INPATIENT = "inpatient", _("住院")
    CRITICAL = "critical", _("重大疾病")
    FEMALE = "female", _("女职工特殊疾病")


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    REVIEWED = "reviewed", _("已审核")
    APPROVED = "approved", _("已批准")
    PAID = "paid", _("已支付")
    REJECTED = "rejected", _("已拒绝")


class ReviewMode(models.TextChoices):
    """How many people above the county decide a claim before it is paid."""

    SINGLE = "single", _("单人审核")  # one reviewer may review and then approve
    DOUBLE = "double", _("双人审核")  # the approver must be someone other than the reviewer
