"""Who decides what: one rule for every decision step of every domain.

Union money and memberships are audited every year, so the four-eyes principle and the level
above are structural here, not a matter of discipline. A domain declares each decision step
once (a claim's review, its approval, a hardship review, accepting a transfer...) as a
``DecisionStep``: which roles may take it, with which reach over the record's region, and who
may not (the person who filed the record or last changed its contents, or an earlier
decider of the same record). Services call ``step.check(user, record)`` — so the pages, the
API, the admin and any script obey the same rule — and pages call ``step.refusal(user, record)``
to show a button only to someone who may press it, or the reason why not.

    CLAIM_REVIEW = DecisionStep(
        name="claim_review",
        label=_("review the claim"),
        roles=(Role.PREFECTURE, Role.PROVINCE),
        scope_action=REVIEW,
        region_of=lambda claim: claim.coverage.union.region_id,
        excluded=lambda claim: {claim.submitted_by_id},
    )
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .choices import AuditAction, Role
from .exceptions import ApplicationError
from .scoping import CHANGE, REVIEW, user_may


class DecisionRefused(ApplicationError):
    """The user may not take this decision; the message says who may."""


def role_labels(roles: Iterable[str]) -> str:
    """The roles' names as a list in the UI language (市州工会、省总工会 / Prefecture union, ...)."""
    return pgettext("list separator", ", ").join(str(Role(r).label) for r in roles)


@dataclass(frozen=True)
class DecisionStep:
    name: str
    label: str | Promise
    roles: tuple[str, ...]
    scope_action: str
    region_of: Callable[[Any], int | None]
    # ids of the users who may not take this decision on this record (filer, last editor...)
    excluded: Callable[[Any], Iterable[int | None]] = field(default=lambda record: ())
    # the model whose scope rules apply (None: the record's own class)
    scope_model: type[models.Model] | None = None

    def refusal(self, user: Any, record: Any) -> str | None:
        """Why ``user`` may not take this decision on ``record``; None when they may.

        ``user`` None is the system itself (a command or a task run by an operator): it may."""
        if user is None:
            return None
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return _("Log in to %(step)s.") % {"step": self.label}
        role = Role.ADMIN if user.is_superuser else user.role
        if role not in self.roles:
            return _("Only %(roles)s staff may %(step)s.") % {
                "roles": role_labels(self.roles),
                "step": self.label,
            }
        model = self.scope_model or type(record)
        if not user_may(user, self.scope_action, self.region_of(record), model):
            return _("Only %(roles)s staff responsible for this region may %(step)s.") % {
                "roles": role_labels(self.roles),
                "step": self.label,
            }
        if user.pk in {i for i in self.excluded(record) if i is not None}:
            return _(
                "Four eyes: whoever filed this record, changed it last or decided an earlier step "
                "may not %(step)s; another %(roles)s colleague must."
            ) % {"step": self.label, "roles": role_labels(self.roles)}
        return None

    @classmethod
    def by_county(cls, name: str, label: str | Promise, **rules: Any) -> DecisionStep:
        """A step county staff take on the records of their county (CHANGE scope)."""
        return cls(name=name, label=label, roles=(Role.COUNTY,), scope_action=CHANGE, **rules)

    @classmethod
    def above_county(cls, name: str, label: str | Promise, **rules: Any) -> DecisionStep:
        """A step the prefecture or the province above the record's county takes (REVIEW scope)."""
        return cls(
            name=name, label=label, roles=(Role.PREFECTURE, Role.PROVINCE), scope_action=REVIEW, **rules
        )

    def but(self, name: str, label: str | Promise, **changes: Any) -> DecisionStep:
        """Another step with the same rules but for ``changes``."""
        return replace(self, name=name, label=label, **changes)

    def waiting_text(self, region_name: str) -> str:
        """On whom a record waits for this step, for a page."""
        return _("Next step: %(roles)s staff responsible for %(region)s %(step)s.") % {
            "roles": role_labels(self.roles),
            "region": region_name,
            "step": self.label,
        }

    def allows(self, user: Any, record: Any) -> bool:
        return self.refusal(user, record) is None

    def check(self, user: Any, record: Any) -> None:
        """Raise ``DecisionRefused`` (a 400 with its message in the API, a message on pages)."""
        reason = self.refusal(user, record)
        if reason is not None:
            raise DecisionRefused(reason)


def last_editor_id(record: models.Model, *, ignore_fields: Iterable[str] = ()) -> int | None:
    """The user who last changed the record's contents, from the audit trail: its latest
    create or update entry that touched a field other than ``ignore_fields`` (typically the
    status and decision fields the decisions themselves write)."""
    from django.contrib.contenttypes.models import ContentType

    from .models import AuditEntry

    ignored = set(ignore_fields)
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(record, for_concrete_model=True),
        object_id=str(record.pk),
        action__in=(AuditAction.CREATE, AuditAction.UPDATE),
    ).order_by("-id")
    for user_id, changes in entries.values_list("user_id", "changes")[:50]:
        if not changes or set(changes) - ignored:
            return user_id
    return None


# Where a record keeps its last content editor once read, so that a page asking for each
# row's buttons reads the audit trail once per page, not once per row and button.
LAST_EDITOR_ATTR = "_last_content_editor_id"
_UNKNOWN = object()


def cached_last_editor_id(record: models.Model, *, ignore_fields: Iterable[str] = ()) -> int | None:
    """``last_editor_id``, read once per instance (or filled by ``prefetch_last_editors``)."""
    cached = getattr(record, LAST_EDITOR_ATTR, _UNKNOWN)
    if cached is _UNKNOWN:
        cached = last_editor_id(record, ignore_fields=ignore_fields)
        setattr(record, LAST_EDITOR_ATTR, cached)
    return cached


def prefetch_last_editors(records: Iterable[models.Model], *, ignore_fields: Iterable[str] = ()) -> None:
    """``cached_last_editor_id`` for many records of one model in one query, by the same
    reading of the audit trail as ``last_editor_id``."""
    from django.contrib.contenttypes.models import ContentType

    from .models import AuditEntry

    pending = [r for r in records if getattr(r, LAST_EDITOR_ATTR, _UNKNOWN) is _UNKNOWN]
    if not pending:
        return
    ignored = set(ignore_fields)
    found: dict[str, int | None] = {}
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(pending[0], for_concrete_model=True),
        object_id__in=[str(r.pk) for r in pending],
        action__in=(AuditAction.CREATE, AuditAction.UPDATE),
    ).order_by("-id")
    for object_id, user_id, changes in entries.values_list("object_id", "user_id", "changes"):
        if object_id not in found and (not changes or set(changes) - ignored):
            found[object_id] = user_id
    for record in pending:
        setattr(record, LAST_EDITOR_ATTR, found.get(str(record.pk)))


@dataclass(frozen=True)
class ContentEditors:
    """The last content editor of a domain's records, whose decisions write ``ignore_fields``
    (changing those is deciding, not editing): read once per instance, or for a page in one
    query."""

    ignore_fields: tuple[str, ...]

    def last_editor_id(self, record: models.Model) -> int | None:
        return cached_last_editor_id(record, ignore_fields=self.ignore_fields)

    def prefetch(self, records: Iterable[models.Model]) -> None:
        prefetch_last_editors(records, ignore_fields=self.ignore_fields)
