from django.db import models


class RegionLevel(models.TextChoices):
    PROVINCE = "province", "省"
    PREFECTURE = "prefecture", "市州"
    COUNTY = "county", "县区"
    TOWNSHIP = "township", "乡镇(街道)"


class Role(models.TextChoices):
    COUNTY = "county", "县区工会"
    PREFECTURE = "prefecture", "市州工会"
    PROVINCE = "province", "省总工会"
    ADMIN = "admin", "系统管理员"


class AuditAction(models.TextChoices):
    CREATE = "create", "新增"
    UPDATE = "update", "修改"
    DELETE = "delete", "删除"
    VIEW = "view", "查看敏感信息"


class AuditSource(models.TextChoices):
    PAGE = "page", "页面"
    API = "api", "接口"
    ADMIN = "admin", "管理后台"
    IMPORT = "import", "导入"
    COMMAND = "command", "命令行"
    TASK = "task", "后台任务"
    SYSTEM = "system", "系统"
