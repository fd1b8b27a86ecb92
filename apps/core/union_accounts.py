"""Grassroots union accounts at scale (issue 16): created in bulk from the ``union_accounts``
template, listed, reset and (de)activated by the county staff and administrators.

Bulk creation is all or nothing: every row is checked (the union exists and is in the user's
CHANGE scope, the user name is well formed and free in the file and in the database, the name
is there), then every account is inserted at once with a generated initial password, which the
account must change at its first login. The passwords are shown once: kept briefly in the cache
(never in the database, not even in the session table) for one download of the passwords file.

Speed: 1,000 accounts take seconds because the generated passwords are hashed with
``hashers.InitialPasswordHasher`` (why that is safe: see there) instead of PBKDF2, and the
accounts and their audit entries are written with one bulk insert each.
"""

from __future__ import annotations

import io
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import django_filters
from django import forms
from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from . import audit
from .bulk import bulk_insert, chunks
from .choices import AuditAction, Role
from .exceptions import ApplicationError
from .hashers import InitialPasswordHasher
from .importing import ImportFileError, RowError, cell_text, check_upload_size, neutralise, read_table
from .models import User
from .scoping import CHANGE, scope_region_ids
from .validators import validate_mobile
from .views_base import DecisionView, ScopedListView, ScopedMixin

TEMPLATE_NAME = "union_accounts"
UNION_CODE = "工会代码"
USERNAME = "用户名"
NAME = "姓名"
PHONE = "手机号"
HEADERS = [UNION_CODE, USERNAME, NAME, PHONE]
REQUIRED_HEADERS = [UNION_CODE, USERNAME, NAME]
PASSWORD_HEADERS = [UNION_CODE, "工会名称", USERNAME, NAME, PHONE, "初始密码"]

# not starting with "-" or ".": a spreadsheet would take "-abc" for a formula
USERNAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{2,149}$")
NAME_MAX = 150  # User.first_name
PAGE_MAX_ROWS = 5000  # one request; the command takes files of any size the import limits allow
ERRORS_SHOWN = 200
PASSWORDS_TTL = 15 * 60  # seconds the passwords file waits for its one download
_CACHE_PREFIX = "union-account-passwords:"


# Passwords -------------------------------------------------------------------------------


def generate_initial_password() -> str:
    """72 random bits, 12 URL-safe characters: what makes the fast hasher safe. Never starting
    with "-", which a spreadsheet would read as a formula (and ``neutralise`` would prefix)."""
    while True:
        password = secrets.token_urlsafe(9)
        if password[0] not in "-_":
            return password


def initial_password_hash(raw: str) -> str:
    """The stored form of a generated initial password: the fast hasher when it is installed
    (base settings), else the default one (the test settings' single MD5 hasher)."""
    try:
        return make_password(raw, hasher=InitialPasswordHasher.algorithm)
    except ValueError:  # not in PASSWORD_HASHERS
        return make_password(raw)


# Who and which accounts -------------------------------------------------------------------


def may_manage_union_accounts(user: Any) -> bool:
    """County staff and administrators create and look after the union accounts."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.is_superuser or user.role in (Role.ADMIN, Role.COUNTY))
    )


def union_model() -> type[models.Model]:
    return django_apps.get_model(settings.UNION_MODEL)


def union_accounts(user: Any) -> models.QuerySet:
    """The union accounts whose union lies in the user's CHANGE scope (administrators: all);
    none for a user who may not manage them."""
    qs = User.objects.filter(role=Role.UNION).select_related("union", "region")
    if not may_manage_union_accounts(user):
        return qs.none()
    ids = scope_region_ids(user, CHANGE, union_model())
    if ids is None:
        return qs
    return qs.filter(union__region_id__in=ids)


def _check_account(account: User, user: Any) -> None:
    if user is not None and not union_accounts(user).filter(pk=account.pk).exists():
        raise ApplicationError(_("You may not manage this account."))


# Reading and checking a template ----------------------------------------------------------


@dataclass
class AccountRow:
    number: int
    union_code: str
    username: str
    name: str
    phone: str
    union: Any = None


@dataclass
class CreatedAccount:
    union_code: str
    union_name: str
    username: str
    name: str
    phone: str
    password: str = field(repr=False)

    def cells(self) -> list[str]:
        return [self.union_code, self.union_name, self.username, self.name, self.phone, self.password]


class AccountsInvalid(ApplicationError):
    """The file was refused as a whole: ``errors`` has every row's problems."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(
            _("%(n)s problems in the file; no account was created. Correct them and upload the file again.")
            % {"n": len(errors)},
            extra={"errors": [str(e) for e in errors]},
        )
        self.errors = errors


def read_accounts(path: Path, data: bytes | None = None, *, max_rows: int | None = None) -> list[AccountRow]:
    """The rows of a ``union_accounts`` file (.xlsx or .csv), cells as text, not yet checked."""
    try:
        headers, body = read_table(path, data)
        problems = []
        unknown = [h for h in headers if h not in HEADERS]
        if unknown:
            problems.append(_("unknown columns: %(c)s") % {"c": "、".join(h or "(空)" for h in unknown)})
        dupes = sorted({h for h in headers if headers.count(h) > 1})
        if dupes:
            problems.append(_("repeated columns: %(c)s") % {"c": "、".join(dupes)})
        missing = [h for h in REQUIRED_HEADERS if h not in headers]
        if missing:
            problems.append(_("missing columns: %(c)s") % {"c": "、".join(missing)})
        if problems:
            raise ApplicationError(
                _("%(problems)s. The columns of the template “%(name)s” are: %(columns)s")
                % {"problems": "；".join(problems), "name": TEMPLATE_NAME, "columns": "、".join(HEADERS)}
            )
        index = {h: i for i, h in enumerate(headers)}

        def cell(cells: list[Any], header: str) -> str:
            i = index.get(header)
            return cell_text(cells[i]) if i is not None and i < len(cells) else ""

        rows = []
        for number, cells in body:
            rows.append(
                AccountRow(
                    number,
                    cell(cells, UNION_CODE),
                    cell(cells, USERNAME),
                    cell(cells, NAME),
                    cell(cells, PHONE),
                )
            )
            if max_rows is not None and len(rows) > max_rows:
                raise ApplicationError(
                    _(
                        "The file has more than %(n)s accounts; split it, or ask an administrator to run the command."
                    )
                    % {"n": max_rows}
                )
    except ImportFileError as exc:
        raise ApplicationError(str(exc)) from exc
    if not rows:
        raise ApplicationError(_("The file has no accounts."))
    return rows


def check_accounts(rows: list[AccountRow], *, user: Any) -> list[RowError]:
    """Every problem of every row (``row.union`` set where the union was found); a few queries
    for the whole file, none per row. ``user=None`` is a trusted caller (the command)."""
    errors: list[RowError] = []
    unions = (
        union_model()._default_manager.all() if user is None else union_model().objects.restrict(user, CHANGE)
    )
    codes = {r.union_code for r in rows if r.union_code}
    by_code = {}
    for chunk in chunks(sorted(codes)):
        by_code.update({u.code: u for u in unions.filter(code__in=chunk)})
    wanted = {r.username.lower() for r in rows if r.username}
    taken: set[str] = set()
    for chunk in chunks(sorted(wanted)):
        taken.update(
            User.objects.annotate(lower_name=Lower("username"))
            .filter(lower_name__in=chunk)
            .values_list("lower_name", flat=True)
        )
    first_row: dict[str, int] = {}
    for row in rows:

        def error(column: str, message: str, row: AccountRow = row) -> None:
            errors.append(RowError(row.number, column, message))

        if not row.union_code:
            error(UNION_CODE, _("Required."))
        else:
            row.union = by_code.get(row.union_code)
            if row.union is None:
                # one message for "no such union" and "not yours": another county's unions
                # are not revealed
                error(
                    UNION_CODE,
                    _("No grassroots union with code %(code)s in your area.") % {"code": row.union_code},
                )
            elif row.union.dissolved_on is not None:
                error(
                    UNION_CODE,
                    _("The union %(code)s was dissolved on %(date)s.")
                    % {"code": row.union_code, "date": row.union.dissolved_on.isoformat()},
                )
        if not row.username:
            error(USERNAME, _("Required."))
        elif not USERNAME_RE.match(row.username):
            error(
                USERNAME,
                _(
                    "“%(u)s”: a user name has 3 to 150 letters, digits, dots, underscores or hyphens, "
                    "and does not start with a dot or a hyphen."
                )
                % {"u": row.username[:40]},
            )
        else:
            key = row.username.lower()
            if key in first_row:
                error(
                    USERNAME,
                    _("The user name %(u)s is already in row %(row)s of the file.")
                    % {"u": row.username, "row": first_row[key]},
                )
            else:
                first_row[key] = row.number
            if key in taken:
                error(USERNAME, _("The user name %(u)s is taken.") % {"u": row.username})
        if not row.name:
            error(NAME, _("Required."))
        elif len(row.name) > NAME_MAX:
            error(NAME, _("At most %(n)s characters.") % {"n": NAME_MAX})
        if row.phone:
            try:
                validate_mobile(row.phone)
            except ValidationError as exc:
                error(PHONE, "；".join(exc.messages))
    return errors


@transaction.atomic
def union_accounts_create(*, rows: list[AccountRow], user: Any) -> list[CreatedAccount]:
    """Create the accounts of every row, or none (``AccountsInvalid`` with every row's errors).

    Each gets a generated initial password and ``must_change_password``; one bulk insert of
    the accounts and one of their audit entries. The passwords are returned, never stored.
    """
    errors = check_accounts(rows, user=user)
    if errors:
        raise AccountsInvalid(errors)
    passwords = [generate_initial_password() for _row in rows]
    accounts = [
        User(
            username=row.username,
            first_name=row.name,
            role=Role.UNION,
            region_id=row.union.region_id,
            union=row.union,
            must_change_password=True,
            is_staff=False,
            is_superuser=False,
            password=initial_password_hash(password),
        )
        for row, password in zip(rows, passwords, strict=True)
    ]
    try:
        with transaction.atomic():
            bulk_insert(User, accounts)
    except IntegrityError as exc:  # a name taken between the check and the insert
        raise ApplicationError(
            _("A user name in the file was taken meanwhile; no account was created. Upload the file again.")
        ) from exc
    audit.record_many(
        accounts,
        AuditAction.CREATE,
        changes=[
            {
                "username": [None, a.username],
                "role": [None, Role.UNION.value],
                "union": [None, a.union_id],
                "must_change_password": [None, True],
            }
            for a in accounts
        ],
        user=user,
        note=_("bulk union accounts"),
    )
    return [
        CreatedAccount(r.union.code, r.union.name, r.username, r.name, r.phone, p)
        for r, p in zip(rows, passwords, strict=True)
    ]


# Looking after one account -----------------------------------------------------------------


@transaction.atomic
def union_account_reset_password(*, account: User, user: Any) -> str:
    """A new initial password (returned, to be shown once), to be changed at the next login; the
    account's API tokens are revoked. Audited without the password."""
    _check_account(account, user)
    account = User.objects.select_for_update().get(pk=account.pk)
    password = generate_initial_password()
    before = account.must_change_password
    account.password = initial_password_hash(password)
    account.must_change_password = True
    account.save(update_fields=["password", "must_change_password"])
    from rest_framework.authtoken.models import Token

    Token.objects.filter(user=account).delete()
    audit.record(
        account,
        AuditAction.UPDATE,
        changes={"password": ["***", "***"], "must_change_password": [before, True]},
        user=user,
        note=_("password reset"),
    )
    return password


@transaction.atomic
def union_account_set_active(*, account: User, active: bool, user: Any) -> User:
    """Deactivate (no login, no token, sessions end) or reactivate an account; audited."""
    _check_account(account, user)
    account = User.objects.select_for_update().get(pk=account.pk)
    if account.is_active == active:
        return account
    account.is_active = active
    account.save(update_fields=["is_active"])
    audit.record(
        account,
        AuditAction.UPDATE,
        changes={"is_active": [not active, active]},
        user=user,
        note=_("account activated") if active else _("account deactivated"),
    )
    return account


# The passwords file: one download -----------------------------------------------------------


def stash_passwords(accounts: list[CreatedAccount], *, user: Any) -> str:
    """Keep the new passwords in the cache for one download by ``user``; returns the token."""
    token = secrets.token_urlsafe(24)
    cache.set(
        _CACHE_PREFIX + token,
        {"user_id": user.pk, "rows": [a.cells() for a in accounts]},
        timeout=PASSWORDS_TTL,
    )
    return token


def take_passwords(token: str, *, user: Any) -> list[list[str]] | None:
    """The stashed rows, removed as they are taken: None when gone or someone else's."""
    key = _CACHE_PREFIX + token
    stash = cache.get(key)
    if not stash or stash.get("user_id") != user.pk:
        return None
    if not cache.delete(key):  # a second download racing this one
        return None
    return stash["rows"]


def passwords_xlsx(rows: list[list[str]]) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("accounts")
    ws.append(PASSWORD_HEADERS)
    for row in rows:
        ws.append([neutralise(v) for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def template_xlsx() -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = TEMPLATE_NAME
    ws.append(HEADERS)
    for column, width in zip("ABCD", (20, 20, 14, 16), strict=True):
        ws.column_dimensions[column].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# Pages -------------------------------------------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


class UnionAccountFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=gettext_lazy("User name, name or union"))
    active = django_filters.ChoiceFilter(
        method="by_active",
        label=gettext_lazy("Status"),
        choices=[("yes", gettext_lazy("active")), ("no", gettext_lazy("deactivated"))],
        empty_label=gettext_lazy("all"),
    )

    class Meta:
        model = User
        fields: list[str] = []

    def search(self, queryset: models.QuerySet, name: str, value: str) -> models.QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(username__icontains=value)
            | Q(first_name__icontains=value)
            | Q(union__name__icontains=value)
            | Q(union__code=value)
        )

    def by_active(self, queryset: models.QuerySet, name: str, value: str) -> models.QuerySet:
        return queryset.filter(is_active=value == "yes")


class UnionAccountAccessMixin:
    """County staff and administrators (403 for anyone else); the accounts of their unions."""

    model = User
    scope_action = CHANGE
    subnav_template = ""

    def has_permission(self) -> bool:
        return may_manage_union_accounts(self.request.user)

    def scoped_queryset(self) -> models.QuerySet:
        return union_accounts(self.request.user)


class UnionAccountListView(UnionAccountAccessMixin, ScopedListView):
    template_name = "core/union_account_list.html"
    title = gettext_lazy("Union accounts")
    filterset_class = UnionAccountFilterSet
    ordering_fields = ("username", "first_name", "union__code", "last_login", "is_active")
    default_ordering = "username"

    def can_add(self) -> bool:
        return False


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File (.xlsx or .csv)"),
        help_text=gettext_lazy("Columns: 工会代码, 用户名, 姓名, 手机号 (optional)."),
    )


class UnionAccountImportView(UnionAccountAccessMixin, ScopedMixin, View):
    """Upload → every row checked → all accounts created with their initial passwords (one
    download of the passwords file), or nothing and the list of problems."""

    template_name = "core/union_account_import.html"
    title = gettext_lazy("Create union accounts from a file")

    def _render(self, form: UploadForm, **extra: Any) -> HttpResponse:
        ctx = {**self.page_context(), "form": form, "headers": HEADERS, "max_rows": PAGE_MAX_ROWS, **extra}
        return render(self.request, self.template_name, ctx)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(UploadForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(form)
        upload = form.cleaned_data["file"]
        try:
            check_upload_size(upload.size)
            rows = read_accounts(Path(upload.name), upload.read(), max_rows=PAGE_MAX_ROWS)
            created = union_accounts_create(rows=rows, user=request.user)
        except ImportFileError as exc:
            form.add_error("file", str(exc))
            return self._render(form)
        except AccountsInvalid as exc:
            return self._render(
                form,
                problem=exc.message,
                errors=[str(e) for e in exc.errors[:ERRORS_SHOWN]],
                more_errors=max(len(exc.errors) - ERRORS_SHOWN, 0),
            )
        except ApplicationError as exc:
            form.add_error("file", exc.message)
            return self._render(form)
        token = stash_passwords(created, user=request.user)
        ctx = {
            **self.page_context(),
            "title": _("Union accounts created"),
            "count": len(created),
            "download_url": reverse("union-account-passwords", args=[token]),
            "minutes": PASSWORDS_TTL // 60,
        }
        return _no_store(render(request, "core/union_account_created.html", ctx))


class UnionAccountTemplateView(UnionAccountAccessMixin, ScopedMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        response = HttpResponse(template_xlsx(), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{TEMPLATE_NAME}.xlsx"'
        return response


class UnionAccountPasswordsView(UnionAccountAccessMixin, ScopedMixin, View):
    """The passwords file of an import, once."""

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        rows = take_passwords(token, user=request.user)
        if rows is None:
            raise Http404(_("The passwords file was already downloaded or has expired."))
        response = HttpResponse(passwords_xlsx(rows), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="union_account_passwords.xlsx"'
        return _no_store(response)


class UnionAccountResetView(UnionAccountAccessMixin, ScopedMixin, View):
    """POST: a new initial password for one account, shown on the answer page only."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        account = get_object_or_404(self.scoped_queryset(), pk=pk)
        password = union_account_reset_password(account=account, user=request.user)
        ctx = {
            **self.page_context(),
            "title": _("New initial password"),
            "account": account,
            "password": password,
        }
        return _no_store(render(request, "core/union_account_password.html", ctx))


class UnionAccountActiveView(UnionAccountAccessMixin, DecisionView):
    """POST: deactivate or reactivate one account (``active`` set in the route)."""

    active = False
    fallback_url_name = "union-account-list"

    def perform(self, obj: User) -> str:
        union_account_set_active(account=obj, active=self.active, user=self.request.user)
        if self.active:
            return _("Account %(u)s activated.") % {"u": obj.username}
        return _("Account %(u)s deactivated: it can no longer log in.") % {"u": obj.username}
