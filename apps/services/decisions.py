"""Who decides a relief payment above its programme's threshold, declared once with the core
rule (``apps.core.decisions.DecisionStep``) and obeyed by the services.

``RELIEF_APPROVAL``: staff of the level above the payment's region — county staff for a
township's payment, prefecture staff for a county's, provincial staff for a prefecture's (and,
at the top, a provincial colleague) — never the person who filed the payment or last changed
its contents. The step is checked against the parent of the payment's region, so a county
clerk cannot approve a payment of their own county however their scope is set.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from apps.core.choices import Role
from apps.core.decisions import ContentEditors, DecisionStep
from apps.core.scoping import VIEW

from .models import ReliefPayment

# What the decisions write: they do not make anyone the payment's editor.
DECISION_FIELDS = ("status", "decided_by", "decided_at", "decision_note", "paid_on")


def level_above(payment: ReliefPayment) -> int | None:
    """The region whose staff decide: the parent of the payment's region (the province's own
    payments are decided in the province)."""
    return payment.region.parent_id or payment.region_id


EDITORS = ContentEditors(DECISION_FIELDS)
payment_last_editor_id = EDITORS.last_editor_id
prefetch_last_editors = EDITORS.prefetch


def _excluded(payment: ReliefPayment) -> set[int | None]:
    return {payment.filed_by_id, payment_last_editor_id(payment)}


RELIEF_APPROVAL = DecisionStep(
    name="relief_approval",
    label=_("approve or reject the relief payment"),
    roles=(Role.COUNTY, Role.PREFECTURE, Role.PROVINCE, Role.ADMIN),
    scope_action=VIEW,
    region_of=level_above,
    excluded=_excluded,
)


def may_decide(user: Any, payment: ReliefPayment) -> bool:
    return RELIEF_APPROVAL.allows(user, payment)
