"""Choices with the Chinese labels the import templates use (IMPORT.md): labels are a contract."""

from django.db import models


class Product(models.TextChoices):
    INPATIENT = "inpatient", "住院"
    CRITICAL = "critical", "重大疾病"
    FEMALE = "female", "女职工特殊疾病"


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", "已提交"
    REVIEWED = "reviewed", "已审核"
    APPROVED = "approved", "已批准"
    PAID = "paid", "已支付"
    REJECTED = "rejected", "已拒绝"


class ReviewMode(models.TextChoices):
    """How many people above the county decide a claim before it is paid."""

    SINGLE = "single", "单人审核"  # one reviewer may review and then approve
    DOUBLE = "double", "双人审核"  # the approver must be someone other than the reviewer
