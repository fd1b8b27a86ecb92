"""Choices with the Chinese labels the import templates use (IMPORT.md): labels are a contract.

Each Chinese label is its own msgid: the pages show it in the UI language (locale/en has the
English), while the import pipeline reads and writes it in Chinese whatever the language.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    DEEP = "deep", _("深度困难")
    RELATIVE = "relative", _("相对困难")
    ACCIDENTAL = "accidental", _("意外致困")


class Cause(models.TextChoices):
    ILLNESS = "illness", _("因病")
    DISABILITY = "disability", _("因残")
    EDUCATION = "education", _("因学")
    DISASTER = "disaster", _("因灾")
    UNEMPLOYMENT = "unemployment", _("下岗失业")
    ENTERPRISE = "enterprise", _("企业经营困难")
    SINGLE_PARENT = "single_parent", _("单亲")
    ACCIDENT = "accident", _("意外")
    OTHER = "other", _("其他")


class Relation(models.TextChoices):
    SPOUSE = "spouse", _("配偶")
    CHILD = "child", _("子女")
    PARENT = "parent", _("父母")
    SIBLING = "sibling", _("兄弟姐妹")
    GRANDPARENT = "grandparent", _("祖父母")
    GRANDCHILD = "grandchild", _("孙子女")
    OTHER = "other", _("其他")


class Health(models.TextChoices):
    HEALTHY = "healthy", _("健康")
    CHRONIC = "chronic", _("慢性病")
    SERIOUS = "serious", _("重病")
    DISABLED = "disabled", _("残疾")


class Status(models.TextChoices):
    """Where a household stands: the last completed step of the seven-step filing."""

    NEW = "new", _("待入户走访")
    VISITED = "visited", _("已走访（进）")
    INSPECTED = "inspected", _("已查看（看）")
    CALCULATED = "calculated", _("已核算（算）")
    DELIBERATED = "deliberated", _("已评议（议）")
    EVALUATED = "evaluated", _("已评定（评）")
    NOTICE = "notice", _("公示中（公示）")
    FILED = "filed", _("已建档")
    EXITED = "exited", _("已解困脱困")
    WITHDRAWN = "withdrawn", _("已撤销")


class Step(models.TextChoices):
    """The seven steps (七步法), plus the events recorded in the same timeline."""

    VISIT = "visit", _("进")
    INSPECT = "inspect", _("看")
    CALCULATE = "calculate", _("算")
    DELIBERATE = "deliberate", _("议")
    EVALUATE = "evaluate", _("评")
    NOTICE = "notice", _("公示")
    REVIEW = "review", _("审核")
    OBJECTION = "objection", _("公示异议")
    SEND_BACK = "send_back", _("审核退回评议")
    IMPORTED = "imported", _("历史建档导入")
    WITHDRAW = "withdraw", _("撤销")
    EXIT = "exit", _("解困脱困")


class AidKind(models.TextChoices):
    LIVING = "living", _("生活救助")
    MEDICAL = "medical", _("医疗救助")
    EDUCATION = "education", _("金秋助学")
    WARMTH = "warmth", _("送温暖")
    EMPLOYMENT = "employment", _("就业帮扶")
    OTHER = "other", _("其他")


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
