"""Choices with the Chinese labels the import templates use (IMPORT.md): labels are a contract.

Each Chinese label is its own msgid: the pages show it in the UI language (locale/en has the
English), while the import pipeline reads and writes it in Chinese whatever the language.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnionKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    INSTITUTION = "institution", _("事业单位")
    ORGAN = "organ", _("机关")
    VILLAGE = "village", _("村")
    COMMUNITY = "community", _("社区")
    TOWNSHIP = "township", _("乡镇(街道)")
    JOINT = "joint", _("联合基层工会")
    INDUSTRY = "industry", _("行业性区域性")


class Sex(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class HouseholdType(models.TextChoices):
    URBAN = "urban", _("城镇")
    RURAL = "rural", _("农村")


class KeyGroup(models.TextChoices):
    """The eight key groups (八大重点群体); blank means none."""

    TRUCK_DRIVER = "truck_driver", _("货车司机")
    COURIER = "courier", _("快递员")
    CARER = "carer", _("护工护理员")
    DOMESTIC = "domestic", _("家政服务员")
    MALL_INFO = "mall_info", _("商场信息员")
    FOOD_DELIVERY = "food_delivery", _("网约送餐员")
    ESTATE_AGENT = "estate_agent", _("房产中介员")
    SECURITY = "security", _("保安员")


class JoinChannel(models.TextChoices):
    OFFLINE = "offline", _("线下")
    ONLINE = "online", _("网上")


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("在会")
    RETAINED = "retained", _("保留会籍")
    TRANSFERRED = "transferred", _("转出待接收")
    LEFT = "left", _("已离会")


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("待接收")
    COMPLETED = "completed", _("已完成")
    REJECTED = "rejected", _("已退回")


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")


class ContractKind(models.TextChoices):
    GENERAL = "general", _("综合")
    WAGE = "wage", _("工资专项")
    SAFETY = "safety", _("劳动安全卫生专项")
    FEMALE = "female", _("女职工专项")
