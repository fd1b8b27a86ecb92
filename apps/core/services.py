"""Writes of the shared core, and the generic audited write helpers every app's services use."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from . import audit, freshness
from .auth import staff_for
from .choices import AuditAction, RegionLevel, Role
from .exceptions import ApplicationError
from .models import Region, User
from .scoping import CHANGE, user_may
from .validators import is_digits

M = TypeVar("M", bound=models.Model)


def check_may_change(user: Any, region_id: int | None, model: type[models.Model], message: str = "") -> None:
    """The user may change ``model`` records of the region; ``user=None`` is a trusted system
    caller (command, task, generator). The one scope check of every service's write."""
    if user is None:
        return
    if not user_may(user, CHANGE, region_id, model):
        raise ApplicationError(message or _("You may not change records of this region."))


def check_may_update(
    user: Any,
    model: type[models.Model],
    region_id: int | None,
    changes: dict[str, Any],
    *,
    moved_by: str = "union",
) -> None:
    """An update of a record of ``region_id``: the user may change it there and, when
    ``changes`` moves it (a new union or region under ``moved_by``), where it goes too."""
    check_may_change(user, region_id, model)
    target = changes.get(moved_by)
    if target is not None:
        check_may_change(user, target.pk if isinstance(target, Region) else target.region_id, model)


def acting_user(user: Any) -> Any:
    """The user to record as the one who acted (a ``created_by``, a ``decided_by``): None for
    a system caller or an anonymous one."""
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def validation_error_to_application(exc: ValidationError) -> ApplicationError:
    if hasattr(exc, "error_dict"):
        fields = {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
        first = next(iter(fields.values()))[0] if fields else _("The data is not valid.")
        return ApplicationError(first, extra={"fields": fields})
    return ApplicationError("；".join(exc.messages), extra={"fields": {"__all__": exc.messages}})


def full_clean_or_raise(instance: models.Model, exclude: Sequence[str] | None = None) -> None:
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise validation_error_to_application(exc) from exc


def integrity_message(instance: models.Model, exc: IntegrityError) -> str:
    """The user's message for a constraint the database enforced (typically a race the checks
    before the write could not see). Never the database's own text: it quotes the values."""
    name = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None) or ""
    for constraint in instance._meta.constraints:
        custom = constraint.violation_error_message != constraint.default_violation_error_message
        if custom and constraint.name == name:
            return str(constraint.get_violation_error_message())
    return _("The record conflicts with one saved at the same moment; reload the page and try again.")


def _save(instance: models.Model, **kwargs: Any) -> None:
    try:
        with transaction.atomic():
            instance.save(**kwargs)
    except IntegrityError as exc:
        raise ApplicationError(integrity_message(instance, exc)) from exc


@transaction.atomic
def model_create(model: type[M], *, user: Any = None, note: str = "", **data: Any) -> M:
    """Validate, save and audit a new record."""
    instance = model(**data)
    full_clean_or_raise(instance)
    _save(instance)
    audit.record(instance, AuditAction.CREATE, user=user, note=note)
    freshness.on_changed([freshness.region_of_record(instance)])  # told once, on commit
    return instance


@transaction.atomic
def model_update(instance: M, *, user: Any = None, note: str = "", **data: Any) -> tuple[M, bool]:
    """Apply the changed fields, validate, save and audit; returns (instance, changed)."""
    before = audit.snapshot(instance)
    moved_from = freshness.region_before_update(instance, data)
    for field, value in data.items():
        setattr(instance, field, value)
    full_clean_or_raise(instance)
    changes = audit.diff(before, audit.snapshot(instance))
    if not changes:
        return instance, False
    _save(instance)
    audit.record(instance, AuditAction.UPDATE, changes=changes, user=user, note=note)
    freshness.on_changed([moved_from, freshness.region_of_record(instance)])  # told once, on commit
    return instance, True


@transaction.atomic
def model_delete(instance: models.Model, *, user: Any = None, note: str = "") -> None:
    audit.record(
        instance,
        AuditAction.DELETE,
        changes={k: [v, None] for k, v in audit.snapshot(instance).items()},
        user=user,
        note=note,
    )
    region_id = freshness.region_of_record(instance)
    try:
        with transaction.atomic():
            instance.delete()
    except models.ProtectedError as exc:
        raise ApplicationError(
            _("“%(record)s” is still referenced by other records and cannot be deleted.")
            % {"record": instance}
        ) from exc
    freshness.on_changed([region_id])  # told once, on commit


@transaction.atomic
def checked_delete(instance: models.Model, *, user: Any, region_id: int | None) -> None:
    """Delete a record of ``region_id`` where the user may change records, with its audit entry."""
    check_may_change(user, region_id, type(instance))
    model_delete(instance, user=user)


def clean_choices(
    changes: dict[str, Any], choices: dict[str, type[models.TextChoices]], *, blank: Iterable[str] = ()
) -> None:
    """Each of the ``choices`` fields an update changes holds one of its values, checked in
    order (the ``blank`` ones may also be left empty)."""
    from .cleaning import clean_choice  # cleaning builds on this module

    for field, values in choices.items():
        if field in changes:
            clean_choice(changes[field], values, field, blank=field in blank)


def strip_texts(changes: dict[str, Any], *fields: str) -> None:
    """The text fields an update changes, without surrounding blanks (None becomes "")."""
    for field in fields:
        if field in changes:
            changes[field] = (changes[field] or "").strip()


@transaction.atomic
def bulk_create_audited(
    model: type[M], objs: Iterable[M], *, user: Any = None, note: str = "", batch_size: int = 2000
) -> list[M]:
    """bulk_create plus its audit trail: a batch entry per ``batch_size`` records (and region)."""
    objs = list(objs)
    created = model.objects.bulk_create(objs, batch_size=batch_size)
    audit.record_many(created, AuditAction.CREATE, user=user, note=note, batch_size=batch_size)
    freshness.records_changed(created)  # once per batch, told on commit
    return created


# Regions ---------------------------------------------------------------------------------

CHILD_LEVEL = {
    RegionLevel.PROVINCE: RegionLevel.PREFECTURE,
    RegionLevel.PREFECTURE: RegionLevel.COUNTY,
    RegionLevel.COUNTY: RegionLevel.TOWNSHIP,
}


def _check_township(*, parent: Region, code: str) -> None:
    if parent.level != RegionLevel.COUNTY:
        raise ApplicationError(
            _("A township must sit under a county-level region, not under %(p)s.") % {"p": parent}
        )
    if len(code) != 9 or not is_digits(code) or not code.startswith(parent.code):
        raise ApplicationError(
            _(
                "A township code has 9 digits and starts with its county's code %(county)s; “%(code)s” does not."
            )
            % {"county": parent.code, "code": code}
        )


@transaction.atomic
def township_create(*, parent: Region, code: str, name: str, user: Any = None) -> Region:
    """Add a township (乡镇/街道) under a county."""
    code = (code or "").strip()
    name = (name or "").strip()
    _check_township(parent=parent, code=code)
    if Region.objects.filter(code=code).exists():
        raise ApplicationError(_("Region code %(code)s already exists.") % {"code": code})
    region = Region(code=code, name=name, level=RegionLevel.TOWNSHIP, parent=parent)
    region.path = region.build_path()
    full_clean_or_raise(region)
    _save(region)
    audit.record(region, AuditAction.CREATE, user=user)
    return region


@transaction.atomic
def township_bulk_create(*, rows: Iterable[tuple[str, str]], user: Any = None) -> list[Region]:
    """Add many townships at once, e.g. from the statistics bureau's list: (code, name) pairs.

    All-or-nothing: any bad row refuses the whole batch with every problem listed.
    """
    rows = [((c or "").strip(), (n or "").strip()) for c, n in rows]
    counties = {
        r.code: r for r in Region.objects.filter(level=RegionLevel.COUNTY, code__in={c[:6] for c, _n in rows})
    }
    existing = set(Region.objects.filter(code__in=[c for c, _n in rows]).values_list("code", flat=True))
    errors, objs, seen = [], [], set()
    for i, (code, name) in enumerate(rows, start=1):
        parent = counties.get(code[:6])
        try:
            if parent is None:
                raise ApplicationError(_("No county-level region with code %(code)s.") % {"code": code[:6]})
            _check_township(parent=parent, code=code)
            if not name:
                raise ApplicationError(_("The name is empty."))
            if code in existing or code in seen:
                raise ApplicationError(_("Region code %(code)s already exists.") % {"code": code})
        except ApplicationError as exc:
            errors.append({"row": i, "code": code, "message": exc.message})
            continue
        seen.add(code)
        region = Region(code=code, name=name, level=RegionLevel.TOWNSHIP, parent=parent)
        region.path = region.build_path()
        objs.append(region)
    if errors:
        raise ApplicationError(
            _("%(n)s rows are not valid; nothing was added.") % {"n": len(errors)}, extra={"errors": errors}
        )
    return bulk_create_audited(Region, objs, user=user)


# Users -----------------------------------------------------------------------------------

ROLE_LEVELS = {
    Role.COUNTY: {RegionLevel.COUNTY, RegionLevel.TOWNSHIP},
    Role.PREFECTURE: {RegionLevel.PREFECTURE},
    Role.PROVINCE: {RegionLevel.PROVINCE},
    Role.ADMIN: {RegionLevel.PROVINCE, RegionLevel.PREFECTURE, RegionLevel.COUNTY, RegionLevel.TOWNSHIP},
    # a union user's region is its union's, whatever level the union sits at
    Role.UNION: {RegionLevel.PROVINCE, RegionLevel.PREFECTURE, RegionLevel.COUNTY, RegionLevel.TOWNSHIP},
}


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: str,
    region: Region | None,
    full_name: str = "",
    can_view_personal_data: bool = False,
    created_by: Any = None,
    union: models.Model | None = None,
    must_change_password: bool = False,
) -> User:
    """Create a user bound to a region; the region's level must fit the role.

    A prefecture without counties (Jiayuguan) is where its county-level staff sit too.
    Administrators are superusers and the only staff (the Django admin); the other roles work
    in the pages. A grassroots union user is bound to a union (``union``) and sits in its region.
    """
    if role not in Role.values:
        raise ApplicationError(_("Unknown role %(role)s.") % {"role": role})
    if role == Role.UNION:
        if union is None:
            raise ApplicationError(_("Choose the grassroots union the user works for."))
        region = union.region
        can_view_personal_data = False
    elif union is not None:
        raise ApplicationError(_("Only grassroots union users are bound to a union."))
    if region is None:
        raise ApplicationError(_("Choose the region the user works for."))
    allowed = set(ROLE_LEVELS[role])
    if role == Role.COUNTY and region.level == RegionLevel.PREFECTURE and not region.children.exists():
        allowed.add(RegionLevel.PREFECTURE)
    if region.level not in allowed:
        raise ApplicationError(
            _("A %(role)s user cannot be bound to %(region)s, a %(level)s-level region.")
            % {"role": Role(role).label, "region": region, "level": region.get_level_display()}
        )
    if User.objects.filter(username=username).exists():
        raise ApplicationError(_("User name %(u)s is taken.") % {"u": username})
    is_superuser = role == Role.ADMIN
    user = User(
        username=username,
        role=role,
        region=region,
        union=union,
        must_change_password=must_change_password,
        first_name=full_name,
        is_superuser=is_superuser,
        is_staff=staff_for(role=role, is_superuser=is_superuser),
    )
    try:
        from django.contrib.auth.password_validation import validate_password

        validate_password(password, user)
    except ValidationError as exc:
        raise ApplicationError("；".join(exc.messages)) from exc
    user.set_password(password)
    _save(user)
    if can_view_personal_data:
        from django.contrib.auth.models import Permission

        user.user_permissions.add(
            Permission.objects.get(codename="view_personal_data", content_type__app_label="core")
        )
    audit.record(
        user,
        AuditAction.CREATE,
        user=created_by,
        changes={
            "username": [None, username],
            "role": [None, role],
            "region": [None, region.code],
            "is_staff": [None, user.is_staff],
            **({"union": [None, union.pk]} if union is not None else {}),
        },
    )
    return user


@transaction.atomic
def model_save(instance: models.Model, *, user: Any = None, note: str = "") -> models.Model:
    """Save a record whose fields were already set (e.g. by an admin form), with its audit
    entry: the diff against the stored row for an update, the full record for a create."""
    is_new = instance._state.adding or instance.pk is None
    stored = None if is_new else type(instance).objects.get(pk=instance.pk)
    before = {} if stored is None else audit.snapshot(stored)
    # the form may have moved the record to another region: both regions' figures change
    moved_from = None if stored is None else freshness.region_of_record(stored)
    full_clean_or_raise(instance)
    _save(instance)
    if is_new:
        audit.record(instance, AuditAction.CREATE, user=user, note=note)
    else:
        changes = audit.diff(before, audit.snapshot(instance))
        if not changes:
            return instance
        audit.record(instance, AuditAction.UPDATE, changes=changes, user=user, note=note)
    freshness.on_changed([moved_from, freshness.region_of_record(instance)])  # told once, on commit
    return instance
