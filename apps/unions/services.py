"""Writes of the unions domain: unions, members, transfers, online joining, contracts.

Every function is keyword-only, validates, runs in one transaction, writes the audit trail
through the core helpers and raises ``ApplicationError`` with a message a clerk can act on.
``user=None`` means a trusted system caller (management command, task): no scope check.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.choices import RegionLevel
from apps.core.cleaning import (
    check_known_fields,
    check_unique,
    clean_choice,
    clean_mobile,
    clean_resident_id,
    field_error,
    required_text,
)
from apps.core.exceptions import ApplicationError
from apps.core.locking import check_version
from apps.core.models import Region
from apps.core.proposals import proposable
from apps.core.scoping import CHANGE, VIEW, user_may
from apps.core.services import (
    check_may_change,
    check_may_update,
    checked_delete,
    clean_choices,
    model_create,
    model_delete,
    model_update,
)
from apps.core.validators import resident_id_birth_date, resident_id_is_female

from .choices import (
    ApplicationStatus,
    ContractKind,
    HouseholdType,
    JoinChannel,
    KeyGroup,
    MemberStatus,
    Sex,
    TransferStatus,
    UnionKind,
)
from .decisions import JOIN_DECISION, TRANSFER_DECISION
from .models import CollectiveContract, GrassrootsUnion, JoinApplication, Member, MembershipTransfer

# Helpers ---------------------------------------------------------------------------------


def county_of(region: Region) -> Region:
    """The county-level region a record belongs to (a township's parent; Jiayuguan itself)."""
    if region.level == RegionLevel.TOWNSHIP and region.parent_id:
        return region.parent
    return region


def _active_membership(id_number: str, *, exclude_pk: int | None = None) -> Member | None:
    qs = Member.objects.filter(id_number=id_number, left_on__isnull=True).select_related(
        "union__region__parent"
    )
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.first()


def _duplicate_member_error(existing: Member) -> ApplicationError:
    county = county_of(existing.union.region)
    message = _(
        "This resident ID already has an active membership in %(union)s (%(county)s); "
        "transfer that membership instead of registering again."
    ) % {"union": existing.union.name, "county": county.name}
    return field_error("id_number", message)


def _check_union_open(union: GrassrootsUnion) -> None:
    if union.dissolved_on is not None:
        raise ApplicationError(
            _("The union %(union)s was dissolved on %(date)s.")
            % {"union": union.name, "date": union.dissolved_on}
        )


# Unions ----------------------------------------------------------------------------------

UNION_FIELDS = (
    "code",
    "name",
    "kind",
    "region",
    "parent",
    "employer_name",
    "employer_credit_code",
    "credit_code",
    "founded_on",
    "dissolved_on",
    "chair",
    "normalized_year",
    "demonstration_year",
    "congress_since",
    "disclosure_since",
    "trusted_registration",
)
# What a grassroots union may not propose for its own union: where it sits in the register and
# whether the county trusts it (dropped when unchanged, refused otherwise).
UNION_FIXED = ("code", "kind", "region", "parent", "trusted_registration")


def _check_parent(parent: GrassrootsUnion | None, user: Any) -> None:
    if parent is None or user is None:
        return
    if not GrassrootsUnion.objects.restrict(user, VIEW).filter(pk=parent.pk).exists():
        raise ApplicationError(
            _("The parent union is not in your scope."),
            extra={"fields": {"parent": [_("Not in your scope.")]}},
        )


@transaction.atomic
def union_create(
    *,
    code: str,
    name: str,
    kind: str,
    region: Region,
    founded_on: dt.date,
    user: Any,
    parent: GrassrootsUnion | None = None,
    employer_name: str = "",
    employer_credit_code: str = "",
    credit_code: str = "",
    dissolved_on: dt.date | None = None,
    chair: str = "",
    normalized_year: int | None = None,
    demonstration_year: int | None = None,
    congress_since: dt.date | None = None,
    disclosure_since: dt.date | None = None,
    trusted_registration: bool = False,
) -> GrassrootsUnion:
    """Register a grassroots union in a region the user may change."""
    code = (code or "").strip().upper()
    check_may_change(user, region.pk if region else None, GrassrootsUnion)
    _check_parent(parent, user)
    check_unique(GrassrootsUnion, "code", code, _("Union code %(code)s already exists.") % {"code": code})
    return model_create(
        GrassrootsUnion,
        user=user,
        code=code,
        name=(name or "").strip(),
        kind=clean_choice(kind, UnionKind, "kind"),
        region=region,
        parent=parent,
        employer_name=(employer_name or "").strip(),
        employer_credit_code=(employer_credit_code or "").strip().upper(),
        credit_code=(credit_code or "").strip().upper(),
        founded_on=founded_on,
        dissolved_on=dissolved_on,
        chair=(chair or "").strip(),
        normalized_year=normalized_year,
        demonstration_year=demonstration_year,
        congress_since=congress_since,
        disclosure_since=disclosure_since,
        trusted_registration=bool(trusted_registration),
    )


@proposable(
    gettext_lazy("Update the union's data"), model=GrassrootsUnion, record_kwarg="union", fixed=UNION_FIXED
)
@transaction.atomic
def union_update(*, union: GrassrootsUnion, user: Any, **changes: Any) -> GrassrootsUnion:
    """Change a union's fields (any of ``UNION_FIELDS``); moving it needs both regions in scope."""
    check_known_fields(changes, UNION_FIELDS)
    check_may_update(user, GrassrootsUnion, union.region_id, changes, moved_by="region")
    if "parent" in changes and changes["parent"] is not None:
        parent = changes["parent"]
        if parent.pk == union.pk:
            raise field_error("parent", _("A union cannot be its own parent."))
        if parent.pk != union.parent_id:
            _check_parent(parent, user)
        ancestor, depth = parent, 0
        while ancestor is not None and depth < 50:
            if ancestor.parent_id == union.pk:
                raise ApplicationError(_("A union cannot sit under one of its own sub-unions."))
            ancestor, depth = ancestor.parent, depth + 1
    if "code" in changes:
        changes["code"] = (changes["code"] or "").strip().upper()
        message = _("Union code %(code)s already exists.") % {"code": changes["code"]}
        check_unique(GrassrootsUnion, "code", changes["code"], message, exclude_pk=union.pk)
    clean_choices(changes, {"kind": UnionKind})
    return model_update(union, user=user, **changes)[0]


@transaction.atomic
def union_delete(*, union: GrassrootsUnion, user: Any) -> None:
    """Delete a union registered by mistake; one with members, contracts or sub-unions stays."""
    check_may_change(user, union.region_id, GrassrootsUnion)
    if (
        Member.objects.filter(union=union).exists()
        or CollectiveContract.objects.filter(union=union).exists()
        or GrassrootsUnion.objects.filter(parent=union).exists()
        or JoinApplication.objects.filter(union=union).exists()
        or MembershipTransfer.objects.filter(from_union=union).exists()
        or MembershipTransfer.objects.filter(to_union=union).exists()
    ):
        raise ApplicationError(
            _(
                "The union %(union)s still has members, contracts, applications or sub-unions; "
                "record its dissolution date instead of deleting it."
            )
            % {"union": union.name}
        )
    model_delete(union, user=user)


# Members ---------------------------------------------------------------------------------


@proposable(
    gettext_lazy("Register a member"),
    model=Member,
    trusted=lambda kwargs: kwargs["union"].trusted_registration,
)
@transaction.atomic
def member_register(
    *,
    union: GrassrootsUnion,
    name: str,
    id_number: str,
    household_type: str,
    joined_on: dt.date,
    join_channel: str,
    user: Any,
    ethnicity: str = "",
    phone: str = "",
    education: str = "",
    key_group: str = "",
) -> Member:
    """Register a real-name member; one active membership per resident ID in the province."""
    check_may_change(user, union.region_id, Member)
    _check_union_open(union)
    name = required_text(name, "name", _("Full name"))
    id_number = clean_resident_id(id_number)
    phone = clean_mobile(phone)
    existing = _active_membership(id_number)
    if existing is not None:
        raise _duplicate_member_error(existing)
    data = {
        "union": union,
        "name": name,
        "id_number": id_number,
        "sex": Sex.FEMALE if resident_id_is_female(id_number) else Sex.MALE,
        "birth_date": resident_id_birth_date(id_number),
        "ethnicity": (ethnicity or "").strip(),
        "phone": phone,
        "education": (education or "").strip(),
        "household_type": clean_choice(household_type, HouseholdType, "household_type"),
        "key_group": clean_choice(key_group, KeyGroup, "key_group", blank=True),
        "joined_on": joined_on,
        "join_channel": clean_choice(join_channel, JoinChannel, "join_channel"),
        "status": MemberStatus.ACTIVE,
    }
    try:
        with transaction.atomic():
            return model_create(Member, user=user, **data)
    except (ApplicationError, IntegrityError) as exc:
        # Another request registered the same person between our check and the insert.
        existing = _active_membership(id_number)
        if existing is not None:
            raise _duplicate_member_error(existing) from exc
        raise


MEMBER_UPDATE_FIELDS = (
    "name",
    "id_number",
    "ethnicity",
    "phone",
    "education",
    "household_type",
    "key_group",
    "joined_on",
    "join_channel",
)


@proposable(gettext_lazy("Correct a member's data"), model=Member, record_kwarg="member")
@transaction.atomic
def member_update(
    *, member: Member, user: Any, expected_version: int | None = None, **changes: Any
) -> Member:
    """Correct a member's personal data; the union changes only through a transfer.

    ``expected_version``: the version the editor read (apps.core.locking); None: no check."""
    check_known_fields(changes, MEMBER_UPDATE_FIELDS)
    member = _locked_member(member)
    check_may_change(user, member.union.region_id, Member)
    check_version(member, expected_version)
    if "name" in changes:
        changes["name"] = required_text(changes["name"], "name", _("Full name"))
    if "phone" in changes:
        changes["phone"] = clean_mobile(changes["phone"])
    clean_choices(
        changes,
        {"household_type": HouseholdType, "key_group": KeyGroup, "join_channel": JoinChannel},
        blank=("key_group",),
    )
    if "id_number" in changes:
        id_number = clean_resident_id(changes["id_number"])
        changes["id_number"] = id_number
        if id_number != member.id_number:
            if member.left_on is None:
                existing = _active_membership(id_number, exclude_pk=member.pk)
                if existing is not None:
                    raise _duplicate_member_error(existing)
            changes["sex"] = Sex.FEMALE if resident_id_is_female(id_number) else Sex.MALE
            changes["birth_date"] = resident_id_birth_date(id_number)
    return model_update(member, user=user, **changes)[0]


def _locked_member(member: Member) -> Member:
    return Member.objects.select_for_update().select_related("union").get(pk=member.pk)


@proposable(gettext_lazy("Record a member's leaving"), model=Member, record_kwarg="member")
@transaction.atomic
def member_leave(*, member: Member, left_on: dt.date, user: Any, note: str = "") -> Member:
    """The member leaves the union (离会): the membership ends and stays as history."""
    member = _locked_member(member)
    check_may_change(user, member.union.region_id, Member)
    if member.status == MemberStatus.LEFT:
        raise ApplicationError(_("%(name)s has already left the union.") % {"name": member.name})
    if member.status == MemberStatus.TRANSFERRED:
        raise ApplicationError(
            _("%(name)s has a pending transfer; wait for the decision first.") % {"name": member.name}
        )
    if left_on is None:
        raise ApplicationError(
            _("The leaving date is required."), extra={"fields": {"left_on": [_("Required.")]}}
        )
    if left_on < member.joined_on:
        raise field_error("left_on", _("The leaving date cannot be before the joining date."))
    member, _changed = model_update(member, user=user, note=note, left_on=left_on, status=MemberStatus.LEFT)
    return member


@transaction.atomic
def member_retain(*, member: Member, user: Any, note: str = "") -> Member:
    """Keep the membership of a retired or unemployed member (保留会籍)."""
    member = _locked_member(member)
    check_may_change(user, member.union.region_id, Member)
    if member.status != MemberStatus.ACTIVE:
        raise ApplicationError(
            _("Only an active member can be retained; %(name)s is %(status)s.")
            % {"name": member.name, "status": member.get_status_display()}
        )
    member, _changed = model_update(member, user=user, note=note, status=MemberStatus.RETAINED)
    return member


@transaction.atomic
def member_reactivate(*, member: Member, user: Any, note: str = "") -> Member:
    """Bring a retained (or left) member back to active in the same union."""
    member = _locked_member(member)
    check_may_change(user, member.union.region_id, Member)
    if member.status not in (MemberStatus.RETAINED, MemberStatus.LEFT):
        raise ApplicationError(
            _("Only a retained or former member can be reactivated; %(name)s is %(status)s.")
            % {"name": member.name, "status": member.get_status_display()}
        )
    if member.left_on is not None:
        existing = _active_membership(member.id_number, exclude_pk=member.pk)
        if existing is not None:
            raise _duplicate_member_error(existing)
        _check_union_open(member.union)
    member, _changed = model_update(member, user=user, note=note, left_on=None, status=MemberStatus.ACTIVE)
    return member


# Transfers -------------------------------------------------------------------------------


@proposable(gettext_lazy("Transfer a member out"), model=MembershipTransfer, record_kwarg="member")
@transaction.atomic
def member_transfer(
    *,
    member: Member,
    to_union: GrassrootsUnion,
    transferred_on: dt.date,
    reason: str,
    user: Any,
) -> MembershipTransfer:
    """Move a member to another union (会籍转接).

    Within the user's change scope it completes at once; into another county it waits
    for the receiving county to accept or reject it.
    """
    member = _locked_member(member)
    from_union = member.union
    check_may_change(user, from_union.region_id, Member)
    if member.status not in (MemberStatus.ACTIVE, MemberStatus.RETAINED):
        raise ApplicationError(
            _("Only an active or retained member can be transferred; %(name)s is %(status)s.")
            % {"name": member.name, "status": member.get_status_display()}
        )
    if to_union.pk == from_union.pk:
        message = _("The member already belongs to %(union)s.") % {"union": to_union.name}
        raise ApplicationError(message, extra={"fields": {"to_union": [message]}})
    _check_union_open(to_union)
    if transferred_on is None:
        raise ApplicationError(
            _("The transfer date is required."), extra={"fields": {"transferred_on": [_("Required.")]}}
        )
    if transferred_on < member.joined_on:
        message = _("The transfer date cannot be before the joining date.")
        raise ApplicationError(message, extra={"fields": {"transferred_on": [message]}})
    immediate = user is None or user_may(user, CHANGE, to_union.region_id, MembershipTransfer)
    data: dict[str, Any] = {
        "member": member,
        "from_union": from_union,
        "to_union": to_union,
        "transferred_on": transferred_on,
        "reason": (reason or "").strip()[:200],
        "requested_by": user if getattr(user, "is_authenticated", False) else None,
    }
    if immediate:
        data.update(
            status=TransferStatus.COMPLETED, decided_by=data["requested_by"], decided_at=timezone.now()
        )
        transfer = model_create(MembershipTransfer, user=user, **data)
        model_update(member, user=user, union=to_union)
    else:
        transfer = model_create(MembershipTransfer, user=user, status=TransferStatus.PENDING, **data)
        model_update(member, user=user, status=MemberStatus.TRANSFERRED)
    return transfer


def _locked_pending_transfer(transfer: MembershipTransfer, user: Any) -> MembershipTransfer:
    """The transfer, locked, still pending, and ``user`` may decide it (``TRANSFER_DECISION``:
    staff of the receiving county, not the requester)."""
    transfer = MembershipTransfer.objects.select_for_update().get(pk=transfer.pk)
    if transfer.status != TransferStatus.PENDING:
        raise ApplicationError(
            _("This transfer was already decided (%(status)s).") % {"status": transfer.get_status_display()}
        )
    TRANSFER_DECISION.check(user, transfer)
    return transfer


@transaction.atomic
def transfer_accept(*, transfer: MembershipTransfer, user: Any) -> MembershipTransfer:
    """The receiving county accepts a pending transfer: the member moves to the new union."""
    transfer = _locked_pending_transfer(transfer, user)
    member = _locked_member(transfer.member)
    _check_union_open(transfer.to_union)
    decided_by = user if getattr(user, "is_authenticated", False) else None
    model_update(member, user=user, union=transfer.to_union, status=MemberStatus.ACTIVE)
    transfer, _changed = model_update(
        transfer, user=user, status=TransferStatus.COMPLETED, decided_by=decided_by, decided_at=timezone.now()
    )
    return transfer


@transaction.atomic
def transfer_reject(*, transfer: MembershipTransfer, reason: str, user: Any) -> MembershipTransfer:
    """The receiving county refuses a pending transfer: the member stays active in the old union."""
    reason = required_text(reason, "reason", _("Reason"))
    transfer = _locked_pending_transfer(transfer, user)
    member = _locked_member(transfer.member)
    decided_by = user if getattr(user, "is_authenticated", False) else None
    model_update(member, user=user, status=MemberStatus.ACTIVE, note=reason)
    combined = _("%(reason)s (rejected: %(rejection)s)") % {"reason": transfer.reason, "rejection": reason}
    transfer, _changed = model_update(
        transfer,
        user=user,
        note=reason,
        status=TransferStatus.REJECTED,
        reason=combined.strip()[:200],
        decided_by=decided_by,
        decided_at=timezone.now(),
    )
    return transfer


# Online joining --------------------------------------------------------------------------


@transaction.atomic
def join_application_submit(
    *,
    union_code: str,
    name: str,
    id_number: str,
    phone: str,
    household_type: str,
    ethnicity: str = "",
    education: str = "",
    key_group: str = "",
) -> JoinApplication:
    """A worker applies online to join a union (public: no user)."""
    union_code = (union_code or "").strip().upper()
    union = GrassrootsUnion.objects.filter(code=union_code).first()
    if union is None:
        message = _("There is no union with code %(code)s; check the code with your union.") % {
            "code": union_code
        }
        raise ApplicationError(message, extra={"fields": {"union_code": [message]}})
    _check_union_open(union)
    name = required_text(name, "name", _("Full name"))
    id_number = clean_resident_id(id_number)
    phone = clean_mobile(phone, required=True)
    if Member.objects.filter(id_number=id_number, left_on__isnull=True).exists():
        message = _(
            "This resident ID already has an active membership; ask your current union to transfer it."
        )
        raise ApplicationError(message, extra={"fields": {"id_number": [message]}})
    if JoinApplication.objects.filter(id_number=id_number, status=ApplicationStatus.SUBMITTED).exists():
        message = _("An application with this resident ID is already waiting for a decision.")
        raise ApplicationError(message, extra={"fields": {"id_number": [message]}})
    # A concurrent submission with the same ID is refused by the partial unique constraint,
    # whose message model_create passes on.
    return model_create(
        JoinApplication,
        user=None,
        union=union,
        name=name,
        id_number=id_number,
        phone=phone,
        ethnicity=(ethnicity or "").strip(),
        education=(education or "").strip(),
        household_type=clean_choice(household_type, HouseholdType, "household_type"),
        key_group=clean_choice(key_group, KeyGroup, "key_group", blank=True),
        status=ApplicationStatus.SUBMITTED,
    )


def _locked_submitted_application(application: JoinApplication, user: Any) -> JoinApplication:
    """The application, locked, still waiting, and ``user`` may decide it (``JOIN_DECISION``:
    staff of the union's county, not whoever last changed the application)."""
    application = JoinApplication.objects.select_for_update().get(pk=application.pk)
    if application.status == ApplicationStatus.APPROVED:
        raise ApplicationError(_("This application was already approved."))
    if application.status == ApplicationStatus.REJECTED:
        raise ApplicationError(_("This application was rejected and cannot be decided again."))
    JOIN_DECISION.check(user, application)
    return application


@transaction.atomic
def join_application_approve(
    *, application: JoinApplication, user: Any, joined_on: dt.date | None = None
) -> JoinApplication:
    """Approve an online application: exactly one active member is registered for it."""
    application = _locked_submitted_application(application, user)
    member = member_register(
        union=application.union,
        name=application.name,
        id_number=application.id_number,
        household_type=application.household_type,
        joined_on=joined_on or timezone.localdate(),
        join_channel=JoinChannel.ONLINE,
        ethnicity=application.ethnicity,
        phone=application.phone,
        education=application.education,
        key_group=application.key_group,
        user=user,
    )
    application, _changed = model_update(
        application,
        user=user,
        status=ApplicationStatus.APPROVED,
        decided_by=user if getattr(user, "is_authenticated", False) else None,
        decided_at=timezone.now(),
        member=member,
    )
    return application


@transaction.atomic
def join_application_reject(*, application: JoinApplication, reason: str, user: Any) -> JoinApplication:
    """Reject an online application with a reason the applicant is told."""
    reason = required_text(reason, "reason", _("Reason"))
    application = _locked_submitted_application(application, user)
    application, _changed = model_update(
        application,
        user=user,
        status=ApplicationStatus.REJECTED,
        reason=reason[:200],
        decided_by=user if getattr(user, "is_authenticated", False) else None,
        decided_at=timezone.now(),
    )
    return application


# Collective contracts --------------------------------------------------------------------

CONTRACT_FIELDS = (
    "number",
    "union",
    "kind",
    "signed_on",
    "expires_on",
    "covered_enterprises",
    "covered_workers",
)


@proposable(gettext_lazy("Record a collective contract"), model=CollectiveContract)
@transaction.atomic
def contract_create(
    *,
    number: str,
    union: GrassrootsUnion,
    kind: str,
    signed_on: dt.date,
    expires_on: dt.date,
    user: Any,
    covered_enterprises: int = 1,
    covered_workers: int = 0,
) -> CollectiveContract:
    """Record a collective contract signed by a union in the user's scope."""
    number = (number or "").strip()
    check_may_change(user, union.region_id, CollectiveContract)
    message = _("Contract number %(number)s already exists.") % {"number": number}
    check_unique(CollectiveContract, "number", number, message)
    return model_create(
        CollectiveContract,
        user=user,
        number=number,
        union=union,
        kind=clean_choice(kind, ContractKind, "kind"),
        signed_on=signed_on,
        expires_on=expires_on,
        covered_enterprises=covered_enterprises,
        covered_workers=covered_workers,
    )


@proposable(gettext_lazy("Correct a collective contract"), model=CollectiveContract, record_kwarg="contract")
@transaction.atomic
def contract_update(*, contract: CollectiveContract, user: Any, **changes: Any) -> CollectiveContract:
    check_known_fields(changes, CONTRACT_FIELDS)
    check_may_update(user, CollectiveContract, contract.union.region_id, changes)
    clean_choices(changes, {"kind": ContractKind})
    if "number" in changes:
        changes["number"] = (changes["number"] or "").strip()
        message = _("Contract number %(number)s already exists.") % {"number": changes["number"]}
        check_unique(CollectiveContract, "number", changes["number"], message, exclude_pk=contract.pk)
    return model_update(contract, user=user, **changes)[0]


def contract_delete(*, contract: CollectiveContract, user: Any) -> None:
    checked_delete(contract, user=user, region_id=contract.union.region_id)
