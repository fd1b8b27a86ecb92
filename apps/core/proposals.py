"""Change requests: how a grassroots union's writes wait for the county.

A grassroots union user (role ``union``) does what the union office does — registers members,
records a leaving, submits a claim, refers a hardship household — but nothing it does reaches
the register until the staff of the union's region (the county) approve it. The mechanism is
one decorator on the domain services, so every door (pages, API, a custom view) gets it
without knowing:

    @proposable(_("Register a member"), model=Member)
    def member_register(*, union, id_number, ..., user): ...

Called by anybody else, the service runs as always. Called with a union user, it

1. checks the write *now*, with every rule of the service: it runs inside a savepoint that is
   rolled back (``user=None``: the union user has no region rights), so a bad request is refused
   with the service's own message and nothing is stored;
2. checks that what it would touch is the union's own: the record before (an update) and the
   record it produces must be in the union user's scope (``scoping.restrict_to_unions``);
3. files a ``ChangeRequest`` with the arguments (``payload``, encoded below), the fields it
   changes (``changes``, the audit trail's form, personal data masked) and returns it.

``approve`` runs the service again — with the approver's rights, against the register as it is
then (a member registered meanwhile is refused, a record changed since is a version conflict) —
and keeps what it produced; ``return_request`` closes it with a reason. A union the county trusts
for a kind (``trusted``) has its requests applied at once, still filed and audited.

A service offered to union users is one of ``PROPOSABLES``; any other service refuses them
(``check_may_change`` finds no region of theirs). Union users never import: the import views
refuse them.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps as django_apps
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from . import audit
from .choices import AuditAction, ChangeRequestStatus, Role
from .exceptions import ApplicationError
from .models import ChangeRequest
from .scoping import CHANGE, VIEW, is_union_user, user_may


@dataclass(frozen=True)
class Proposable:
    key: str  # "<module>.<function>": what ChangeRequest.kind stores
    label: str | Promise  # what the request asks, for people: "Register a member"
    model: type[models.Model]  # the model the service writes
    func: Callable[..., Any]  # the undecorated service
    record_kwarg: str = ""  # an update's record argument ("member"), empty for a create
    trusted: Callable[[dict[str, Any]], bool] | None = None  # applied at once when true
    fixed: tuple[str, ...] = ()  # arguments a union may not propose (a trust flag)


PROPOSABLES: dict[str, Proposable] = {}

# True while a request is being applied: the service then runs as itself.
_applying: contextvars.ContextVar[bool] = contextvars.ContextVar("proposal_applying", default=False)


class _DryRun(Exception):  # noqa: N818 - a control-flow signal, not an error
    def __init__(self, result: Any) -> None:
        self.result = result


def proposable(
    label: str | Promise,
    *,
    model: type[models.Model] | str,
    record_kwarg: str = "",
    trusted: Callable[[dict[str, Any]], bool] | None = None,
    fixed: tuple[str, ...] = (),
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Offer a service to grassroots union users, as a change request (see the module)."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        key = f"{func.__module__}.{func.__name__}"

        @functools.wraps(func)
        def service(*args: Any, user: Any = None, **kwargs: Any) -> Any:
            if is_union_user(user) and not _applying.get():
                return propose(PROPOSABLES[key], user=user, kwargs=kwargs)
            return func(*args, user=user, **kwargs)

        resolved = django_apps.get_model(model) if isinstance(model, str) else model
        PROPOSABLES[key] = Proposable(key, label, resolved, func, record_kwarg, trusted, fixed)
        service.proposable_key = key
        return service

    return decorate


def _proposable(kind: str) -> Proposable | None:
    return PROPOSABLES.get(kind)


def label_of(kind: str) -> str:
    found = _proposable(kind)
    return str(found.label) if found else kind


def model_of(kind: str) -> type[models.Model] | None:
    found = _proposable(kind)
    return found.model if found else None


def kind_choices() -> list[tuple[str, str]]:
    return sorted(((k, str(p.label)) for k, p in PROPOSABLES.items()), key=lambda c: c[1])


def union_permissions() -> frozenset[str]:
    """The model permissions a union user needs to open the forms of the proposable writes."""
    perms = set()
    for p in PROPOSABLES.values():
        action = "change" if p.record_kwarg else "add"
        perms.add(f"{p.model._meta.app_label}.{action}_{p.model._meta.model_name}")
    return frozenset(perms)


# -- the payload: the service's arguments as JSON ------------------------------------------


def encode(value: Any) -> Any:
    if isinstance(value, models.Model):
        return {"$model": value._meta.label_lower, "pk": value.pk}
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [encode(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"cannot keep {type(value).__name__} in a change request")


def decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "$model" in value:
            model = django_apps.get_model(value["$model"])
            found = model._default_manager.filter(pk=value["pk"]).first()
            if found is None:
                raise ApplicationError(
                    _("A record the request refers to (%(model)s) no longer exists.")
                    % {"model": model._meta.verbose_name}
                )
            return found
        if "$datetime" in value:
            return dt.datetime.fromisoformat(value["$datetime"])
        if "$date" in value:
            return dt.date.fromisoformat(value["$date"])
        if "$decimal" in value:
            return Decimal(value["$decimal"])
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


# -- proposing -------------------------------------------------------------------------------


def _in_union_scope(user: Any, instance: models.Model | None) -> bool:
    if not isinstance(instance, models.Model) or instance.pk is None:
        return True  # a service that returns nothing to check (a delete)
    manager = type(instance)._default_manager
    if not hasattr(manager, "restrict"):
        return False
    return manager.restrict(user, VIEW).filter(pk=instance.pk).exists()


def _out_of_scope() -> ApplicationError:
    return ApplicationError(_("A grassroots union may only change records of its own union."))


def propose(proposable: Proposable, *, user: Any, kwargs: dict[str, Any]) -> ChangeRequest:
    """File the union user's write as a change request (or apply it, for a trusted union)."""
    if not user.is_active or user.union_id is None:
        raise ApplicationError(_("This account is not bound to a grassroots union."))
    target = kwargs.get(proposable.record_kwarg) if proposable.record_kwarg else None
    if proposable.record_kwarg and not _in_union_scope(user, target):
        raise _out_of_scope()
    for name in proposable.fixed:  # a form sends them unchanged: drop those, refuse a change
        if name in kwargs:
            value = kwargs.pop(name)
            if target is None or value != getattr(target, name):
                field = proposable.model._meta.get_field(name)
                raise ApplicationError(
                    _("A grassroots union cannot change “%(field)s” itself; ask the county.")
                    % {"field": field.verbose_name},
                    extra={"fields": {name: [_("Only the county changes this.")]}},
                )
    before = audit.snapshot(target) if isinstance(target, models.Model) else {}
    payload = encode({k: v for k, v in kwargs.items() if k != proposable.record_kwarg})

    # 1. every rule of the service, now; nothing kept
    try:
        with transaction.atomic(), audit.audit_context(user=user, source=audit.current_context().source):
            result = proposable.func(user=None, **kwargs)
            if not _in_union_scope(user, result):
                raise _out_of_scope()
            raise _DryRun(result)
    except _DryRun as done:
        result = done.result
    after = audit.snapshot(result) if isinstance(result, models.Model) else {}
    changes = audit.diff(before, after)
    if not before:  # a new record: only what it is given, not its empty fields
        changes = {k: v for k, v in changes.items() if v[1] not in (None, "", [])}
    if proposable.record_kwarg and not changes:
        raise ApplicationError(_("Nothing would change: the request was not filed."))

    union = user.union
    with transaction.atomic():
        request = ChangeRequest(
            kind=proposable.key,
            union=union,
            region_id=union.region_id,
            object_repr=str(result if isinstance(result, models.Model) else target or "")[:200],
            payload=payload,
            changes=changes,
            created_by=user,
        )
        if isinstance(target, models.Model):
            request.target_type = ContentType.objects.get_for_model(target, for_concrete_model=True)
            request.target_id = str(target.pk)
        request.save()
        audit.record(request, AuditAction.CREATE, user=user)
        if proposable.trusted is not None and proposable.trusted(kwargs):
            _apply(request, proposable, approver=None, submitter=user)
    return request


# -- deciding --------------------------------------------------------------------------------


def may_decide(user: Any, request: ChangeRequest) -> bool:
    """The county staff of the union's region decide; never the union, and never an
    administrator (who takes none of the county's decisions, as with claims and transfers)."""
    return getattr(user, "role", None) == Role.COUNTY and user_may(
        user, CHANGE, request.region_id, ChangeRequest
    )


def _locked_pending(request: ChangeRequest, user: Any) -> ChangeRequest:
    if not may_decide(user, request):
        raise ApplicationError(_("Only the staff of the union's county decide its change requests."))
    locked = ChangeRequest.objects.select_for_update().get(pk=request.pk)
    if not locked.is_pending:
        raise ApplicationError(_("This request was already decided."))
    return locked


def _apply(request: ChangeRequest, proposable: Proposable, *, approver: Any, submitter: Any = None) -> Any:
    kwargs = decode(request.payload)
    if proposable.record_kwarg:
        target_model = request.target_type.model_class()
        target = target_model._default_manager.filter(pk=request.target_id).first()
        if target is None:
            raise ApplicationError(_("The record the request changes no longer exists."))
        kwargs[proposable.record_kwarg] = target
    token = _applying.set(True)
    try:
        # a trusted union's request runs as the system, recorded under the union user's name
        actor = approver if approver is not None else submitter
        note = _("change request #%(id)s") % {"id": request.pk}
        with audit.audit_context(user=actor, source=audit.current_context().source, note=note):
            result = proposable.func(user=approver, **kwargs)
    finally:
        _applying.reset(token)
    if isinstance(result, models.Model):
        request.result_type = ContentType.objects.get_for_model(result, for_concrete_model=True)
        request.result_id = str(result.pk)
    request.trusted = approver is None
    _decided(
        request,
        ChangeRequestStatus.APPROVED,
        decided_by=approver,
        actor=actor,
        note=_("applied directly (trusted union)") if approver is None else "",
    )
    return result


def _decided(
    request: ChangeRequest, status: str, *, decided_by: Any, actor: Any, note: str = "", **changes: str
) -> None:
    """Close a pending request with its decision, and its audit entry."""
    request.status = status
    for name, value in changes.items():
        setattr(request, name, value)
    request.decided_by = decided_by
    request.decided_at = timezone.now()
    request.save()
    audit.record(
        request,
        AuditAction.UPDATE,
        changes={"status": [ChangeRequestStatus.PENDING, status], **{k: ["", v] for k, v in changes.items()}},
        note=note,
        user=actor,
    )


@transaction.atomic
def approve(*, request: ChangeRequest, user: Any) -> ChangeRequest:
    """Apply the request with the approver's rights; the service's refusal leaves it pending."""
    locked = _locked_pending(request, user)
    proposable = _proposable(locked.kind)
    if proposable is None:
        raise ApplicationError(_("This kind of request can no longer be applied; return it."))
    _apply(locked, proposable, approver=user)
    return locked


@transaction.atomic
def return_request(*, request: ChangeRequest, reason: str, user: Any) -> ChangeRequest:
    """Close the request unapplied, telling the union why."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Say why the request is returned."), extra={"fields": {"reason": []}})
    locked = _locked_pending(request, user)
    _decided(locked, ChangeRequestStatus.RETURNED, decided_by=user, actor=user, reason=reason[:500])
    return locked


def approve_many(*, requests: list[ChangeRequest], user: Any) -> tuple[int, list[tuple[ChangeRequest, str]]]:
    """Approve each request on its own (one refusal does not undo the others): the number
    approved and the refused ones with their reason."""
    approved, refused = 0, []
    for request in requests:
        try:
            approve(request=request, user=user)
        except ApplicationError as exc:
            refused.append((request, exc.message))
        else:
            approved += 1
    return approved, refused


def result_of(request: ChangeRequest) -> models.Model | None:
    """The record the approved request produced or changed, if it still exists."""
    if request.result_type_id is None:
        return None
    model = request.result_type.model_class()
    return model._default_manager.filter(pk=request.result_id).first() if model else None
