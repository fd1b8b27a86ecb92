"""Who decides a membership transfer and an online joining, declared once with the core rule
(``apps.core.decisions.DecisionStep``) and obeyed by the services, so that the pages, the API,
the admin and any script follow the same separation of duties.

- ``TRANSFER_DECISION`` (accept or send back a pending transfer, 会籍转接): county staff of the
  receiving union's county (CHANGE scope; transfers are scoped by the receiving union), never
  the user who requested the transfer.
- ``JOIN_DECISION`` (approve or reject an online application, 网上入会): county staff of the
  union's county, never whoever last changed the application's contents (the applicant submits
  without an account; staff who corrected an application leave the decision to a colleague).

Services call ``step.check(user, record)``; pages show the buttons only where
``step.allows(user, record)`` and otherwise say on whom the record waits (``waiting_on``) and
why this user may not decide (``step.refusal``).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from apps.core.choices import RegionLevel
from apps.core.decisions import LAST_EDITOR_ATTR as LAST_EDITOR_ATTR  # the tests read it here
from apps.core.decisions import ContentEditors, DecisionStep
from apps.core.models import Region

from .choices import ApplicationStatus, TransferStatus
from .models import JoinApplication, MembershipTransfer

# What the decision on an application writes: it does not make anyone the application's editor.
APPLICATION_DECISION_FIELDS = ("status", "reason", "decided_at", "decided_by", "member")


# Who last changed an application's contents (not its decisions), read once per instance or for
# a page of applications in one query.
EDITORS = ContentEditors(APPLICATION_DECISION_FIELDS)
application_last_editor_id = EDITORS.last_editor_id
prefetch_last_editors = EDITORS.prefetch


def _county_name(region: Region) -> str:
    # a union of a township waits on the county above it
    if region.level == RegionLevel.TOWNSHIP and region.parent_id:
        return region.parent.name
    return region.name


TRANSFER_DECISION = DecisionStep.by_county(
    "transfer_decision",
    _("accept or send back the membership transfer"),
    region_of=lambda transfer: transfer.to_union.region_id,
    excluded=lambda transfer: {transfer.requested_by_id},
    scope_model=MembershipTransfer,
)
JOIN_DECISION = DecisionStep.by_county(
    "join_decision",
    _("approve or reject the online application"),
    region_of=lambda application: application.union.region_id,
    excluded=lambda application: {application_last_editor_id(application)},
    scope_model=JoinApplication,
)


def transfer_waits(transfer: MembershipTransfer) -> bool:
    return transfer.status == TransferStatus.PENDING


def application_waits(application: JoinApplication) -> bool:
    return application.status == ApplicationStatus.SUBMITTED


def decision_state(user: Any, record: MembershipTransfer | JoinApplication) -> dict[str, Any]:
    """What a page shows ``user`` about the decision a transfer or an application waits for:
    ``may`` (offer the buttons), or ``waiting`` — on whom it waits (``who``) and why this user
    may not decide (``why``). Nothing once it is decided."""
    if isinstance(record, MembershipTransfer):
        step, waits, region = TRANSFER_DECISION, transfer_waits(record), record.to_union.region
    else:
        step, waits, region = JOIN_DECISION, application_waits(record), record.union.region
    if not waits:
        return {"may": False, "waiting": None}
    why = step.refusal(user, record)
    if why is None:
        return {"may": True, "waiting": None}
    return {"may": False, "waiting": {"who": step.waiting_text(_county_name(region)), "why": why}}
