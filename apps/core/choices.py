"""Choices of core. The Chinese labels are msgids: locale/en has their English."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("省")
    PREFECTURE = "prefecture", _("市州")
    COUNTY = "county", _("县区")
    TOWNSHIP = "township", _("乡镇(街道)")


class Role(models.TextChoices):
    COUNTY = "county", _("县区工会")
    PREFECTURE = "prefecture", _("市州工会")
    PROVINCE = "province", _("省总工会")
    ADMIN = "admin", _("系统管理员")
    UNION = "union", _("基层工会")


class AuditAction(models.TextChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    VIEW = "view", _("查看敏感信息")


class AuditSource(models.TextChoices):
    PAGE = "page", _("页面")
    API = "api", _("接口")
    ADMIN = "admin", _("管理后台")
    IMPORT = "import", _("导入")
    COMMAND = "command", _("命令行")
    TASK = "task", _("后台任务")
    SYSTEM = "system", _("系统")


class ChangeRequestStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    RETURNED = "returned", _("已退回")
