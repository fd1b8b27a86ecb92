"""Choices with the Chinese labels the import templates use (IMPORT.md): labels are a contract."""

from django.db import models


class UnionKind(models.TextChoices):
    ENTERPRISE = "enterprise", "企业"
    INSTITUTION = "institution", "事业单位"
    ORGAN = "organ", "机关"
    VILLAGE = "village", "村"
    COMMUNITY = "community", "社区"
    TOWNSHIP = "township", "乡镇(街道)"
    JOINT = "joint", "联合基层工会"
    INDUSTRY = "industry", "行业性区域性"


class Sex(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class HouseholdType(models.TextChoices):
    URBAN = "urban", "城镇"
    RURAL = "rural", "农村"


class KeyGroup(models.TextChoices):
    """The eight key groups (八大重点群体); blank means none."""

    TRUCK_DRIVER = "truck_driver", "货车司机"
    COURIER = "courier", "快递员"
    CARER = "carer", "护工护理员"
    DOMESTIC = "domestic", "家政服务员"
    MALL_INFO = "mall_info", "商场信息员"
    FOOD_DELIVERY = "food_delivery", "网约送餐员"
    ESTATE_AGENT = "estate_agent", "房产中介员"
    SECURITY = "security", "保安员"


class JoinChannel(models.TextChoices):
    OFFLINE = "offline", "线下"
    ONLINE = "online", "网上"


class MemberStatus(models.TextChoices):
    ACTIVE = "active", "在会"
    RETAINED = "retained", "保留会籍"
    TRANSFERRED = "transferred", "转出待接收"
    LEFT = "left", "已离会"


class TransferStatus(models.TextChoices):
    PENDING = "pending", "待接收"
    COMPLETED = "completed", "已完成"
    REJECTED = "rejected", "已退回"


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", "待审核"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "已驳回"


class ContractKind(models.TextChoices):
    GENERAL = "general", "综合"
    WAGE = "wage", "工资专项"
    SAFETY = "safety", "劳动安全卫生专项"
    FEMALE = "female", "女职工专项"
