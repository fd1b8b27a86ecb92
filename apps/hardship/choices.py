"""Choices with the Chinese labels the import templates use (IMPORT.md): labels are a contract."""

from django.db import models


class Category(models.TextChoices):
    DEEP = "deep", "深度困难"
    RELATIVE = "relative", "相对困难"
    ACCIDENTAL = "accidental", "意外致困"


class Cause(models.TextChoices):
    ILLNESS = "illness", "因病"
    DISABILITY = "disability", "因残"
    EDUCATION = "education", "因学"
    DISASTER = "disaster", "因灾"
    UNEMPLOYMENT = "unemployment", "下岗失业"
    ENTERPRISE = "enterprise", "企业经营困难"
    SINGLE_PARENT = "single_parent", "单亲"
    ACCIDENT = "accident", "意外"
    OTHER = "other", "其他"


class Relation(models.TextChoices):
    SPOUSE = "spouse", "配偶"
    CHILD = "child", "子女"
    PARENT = "parent", "父母"
    SIBLING = "sibling", "兄弟姐妹"
    GRANDPARENT = "grandparent", "祖父母"
    GRANDCHILD = "grandchild", "孙子女"
    OTHER = "other", "其他"


class Health(models.TextChoices):
    HEALTHY = "healthy", "健康"
    CHRONIC = "chronic", "慢性病"
    SERIOUS = "serious", "重病"
    DISABLED = "disabled", "残疾"


class Status(models.TextChoices):
    """Where a household stands: the last completed step of the seven-step filing."""

    NEW = "new", "待入户走访"
    VISITED = "visited", "已走访（进）"
    INSPECTED = "inspected", "已查看（看）"
    CALCULATED = "calculated", "已核算（算）"
    DELIBERATED = "deliberated", "已评议（议）"
    EVALUATED = "evaluated", "已评定（评）"
    NOTICE = "notice", "公示中（公示）"
    FILED = "filed", "已建档"
    EXITED = "exited", "已解困脱困"
    WITHDRAWN = "withdrawn", "已撤销"


class Step(models.TextChoices):
    """The seven steps (七步法), plus the events recorded in the same timeline."""

    VISIT = "visit", "进"
    INSPECT = "inspect", "看"
    CALCULATE = "calculate", "算"
    DELIBERATE = "deliberate", "议"
    EVALUATE = "evaluate", "评"
    NOTICE = "notice", "公示"
    REVIEW = "review", "审核"
    OBJECTION = "objection", "公示异议"
    SEND_BACK = "send_back", "审核退回评议"
    IMPORTED = "imported", "历史建档导入"
    WITHDRAW = "withdraw", "撤销"
    EXIT = "exit", "解困脱困"


class AidKind(models.TextChoices):
    LIVING = "living", "生活救助"
    MEDICAL = "medical", "医疗救助"
    EDUCATION = "education", "金秋助学"
    WARMTH = "warmth", "送温暖"
    EMPLOYMENT = "employment", "就业帮扶"
    OTHER = "other", "其他"


# The seven steps in order: the status a step needs, and the status it leads to.
SEQUENCE: list[tuple[str, str, str]] = [
    (Step.VISIT, Status.NEW, Status.VISITED),
    (Step.INSPECT, Status.VISITED, Status.INSPECTED),
    (Step.CALCULATE, Status.INSPECTED, Status.CALCULATED),
    (Step.DELIBERATE, Status.CALCULATED, Status.DELIBERATED),
    (Step.EVALUATE, Status.DELIBERATED, Status.EVALUATED),
    (Step.NOTICE, Status.EVALUATED, Status.NOTICE),
    (Step.REVIEW, Status.NOTICE, Status.FILED),
]
NEXT_STEP: dict[str, str] = {before: step for step, before, _after in SEQUENCE}
STEP_RESULT: dict[str, str] = {step: after for step, _before, after in SEQUENCE}
STEP_NEEDS: dict[str, str] = {step: before for step, before, _after in SEQUENCE}
IN_PROGRESS = [before for _step, before, _after in SEQUENCE]
# Steps that carry paperwork: the names of the attachments are recorded.
PAPERWORK_STEPS = frozenset({Step.VISIT, Step.INSPECT, Step.CALCULATE, Step.DELIBERATE, Step.NOTICE})
