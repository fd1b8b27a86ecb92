"""Optimistic locking: a save over a change made since the record was opened is refused.

The *version* of a record is the id of its latest change in the audit trail (an entry with
action create, update or delete; views of personal data do not count), or 0 when it has none.
Every write goes through a service that writes its audit entry in the same transaction, so
no column or migration is needed, and imports, the admin and tasks move the version too.

Applying it to a model takes four small steps:

- the update service takes ``expected_version: int | None = None`` (None: no check, for
  imports, the admin and tasks) and, inside its transaction, after ``select_for_update()`` of
  the row, calls ``check_version(record, expected_version)``; a concurrent save waits for the
  lock and then sees the first one's audit entry, so two saves can never both pass;
- the edit form mixes in ``VersionedFormMixin`` (a hidden ``version`` field) and the edit page
  ``VersionedFormViewMixin`` (fills it when the form is shown); ``perform`` passes
  ``expected_version=form.expected_version`` to the service, whose refusal lands in the form;
- the serializer declares ``version = VersionField()`` (read-only);
- the viewset mixes in ``VersionedViewSetMixin`` (``ETag`` on reads, ``If-Match`` or a
  ``version`` in the body on updates, 412 or 409 in the one error shape when stale), passes
  ``expected_version=self.expected_version()`` to the service and is decorated with
  ``versioned_schema(...)`` for the OpenAPI schema.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import CharField, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Cast, Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.response import Response

from .choices import AuditAction
from .exceptions import ApplicationError, StaleEditError

CHANGE_ACTIONS = (AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE)
VERSION_FIELD = "version"
VERSION_ATTR = "locking_version"  # the annotation of ``with_versions``


# The version ------------------------------------------------------------------------------


def _changes(model: type[models.Model]) -> QuerySet:
    """Audit entries that change records of ``model`` (by its content type, joined: no cache)."""
    from .models import AuditEntry

    opts = model._meta.concrete_model._meta
    return AuditEntry.objects.filter(
        content_type__app_label=opts.app_label,
        content_type__model=opts.model_name,
        action__in=CHANGE_ACTIONS,
    )


def latest_change(record: models.Model):
    """The latest audit entry that changed ``record`` (with its user), or None."""
    return (
        _changes(type(record)).filter(object_id=str(record.pk)).select_related("user").order_by("-id").first()
    )


def version_of(record: models.Model) -> int:
    """The id of the latest audit entry that changed ``record``; 0 when there is none."""
    return (
        _changes(type(record))
        .filter(object_id=str(record.pk))
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
        or 0
    )


def version_expression(model: type[models.Model]) -> Coalesce:
    """``version_of`` as an SQL expression over the rows of ``model`` (for lists: no N+1)."""
    latest = (
        _changes(model)
        .filter(object_id=Cast(OuterRef("pk"), output_field=CharField()))
        .order_by("-id")
        .values("id")[:1]
    )
    return Coalesce(Subquery(latest), 0, output_field=IntegerField())


def with_versions(queryset: QuerySet) -> QuerySet:
    """The queryset with each row's version, read in the same statement as the row."""
    if VERSION_ATTR in queryset.query.annotations:
        return queryset
    return queryset.annotate(**{VERSION_ATTR: version_expression(queryset.model)})


def current_version(record: models.Model) -> int:
    """The version read with the record (``with_versions``), else read now."""
    version = getattr(record, VERSION_ATTR, None)
    return version_of(record) if version is None else version


def _changed_by(entry) -> str:
    if entry.user is not None:
        return str(entry.user)
    return entry.username or _("the system")


def check_version(record: models.Model, expected: int | None) -> None:
    """Refuse the save when ``record`` changed since version ``expected`` was read.

    Call it inside the service's transaction, after the row was locked with
    ``select_for_update()``; ``expected=None`` means no check (imports, admin, tasks)."""
    if expected is None:
        return
    entry = latest_change(record)
    version = entry.pk if entry is not None else 0
    if version == expected:
        return
    if entry is None:
        raise StaleEditError(
            _("This record was changed since you opened it; reload the page and edit it again."),
            extra={"changed_by": None, "changed_at": None, "version": 0},
        )
    at = timezone.localtime(entry.at)
    changed_by = _changed_by(entry)
    raise StaleEditError(
        _("This record was changed by %(user)s at %(time)s; reload the page and edit it again.")
        % {"user": changed_by, "time": f"{at:%Y-%m-%d %H:%M}"},
        extra={"changed_by": changed_by, "changed_at": at.isoformat(), "version": version},
    )


# Pages ------------------------------------------------------------------------------------


class VersionedFormMixin:
    """A form editing a record: carries the record's version in a hidden field.

    After validation the version is taken out of ``cleaned_data`` (which stays the service's
    keyword arguments) into ``expected_version``: None when the page sent none."""

    expected_version: int | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # added here, not declared: several forms assign their base_fields after the class
        self.fields[VERSION_FIELD] = forms.IntegerField(
            label="", required=False, min_value=0, widget=forms.HiddenInput
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data is not None:
            self.expected_version = data.pop(VERSION_FIELD, None)
        return data


class VersionedFormViewMixin:
    """An edit page (``ServiceFormView`` or alike, editing ``self.object``): reads the record
    with its version in one statement and shows that version in the form's hidden field."""

    def get_object(self):
        pk = self.kwargs.get("pk")
        return None if pk is None else get_object_or_404(with_versions(self.scoped_queryset()), pk=pk)

    def render_form(self, form):
        if VERSION_FIELD not in form.fields:
            raise ImproperlyConfigured(f"{type(form).__name__} needs VersionedFormMixin.")
        if not form.is_bound and self.object is not None:
            form.fields[VERSION_FIELD].initial = current_version(self.object)
        return super().render_form(form)


# API --------------------------------------------------------------------------------------


class VersionField(serializers.IntegerField):
    """The read-only ``version`` of a serializer's record (also sent as the ``ETag``)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.update(source="*", read_only=True)
        kwargs.setdefault(
            "help_text",
            gettext_lazy(
                "Version of the record (the id of its latest change). Send it back in If-Match "
                "when saving: a save over a change made since then is refused."
            ),
        )
        super().__init__(**kwargs)

    def to_representation(self, instance: models.Model) -> int:
        return current_version(instance)


def _etag(version: int) -> str:
    return f'"{version}"'


def _parse_version(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str):
        value = value.strip()
        if value.startswith("W/"):
            value = value[2:]
        value = value.strip('"')
        if value.isascii() and value.isdigit():
            return int(value)
    return None


class VersionedViewSetMixin:
    """``ETag: "<version>"`` on the detail and on the update's answer; updates honour
    ``If-Match: "<version>"`` (412 Precondition Failed when stale) or a ``version`` in the
    body (409 Conflict when stale); without either the update proceeds unchecked."""

    etag_actions = ("retrieve", "update", "partial_update")
    version_from: str | None = None  # "header" or "body": where expected_version came from

    def expected_version(self) -> int | None:
        """The version the client last read, from If-Match or the body; None: no check."""
        header = self.request.headers.get("If-Match", "").strip()
        if header and header != "*":
            version = _parse_version(header)
            if version is None:
                raise ApplicationError(
                    _('If-Match must hold one version of this record as its ETag, e.g. "42".')
                )
            self.version_from = "header"
            return version
        data = self.request.data
        value = data.get(VERSION_FIELD) if isinstance(data, Mapping) else None
        if value is None or value == "":
            return None
        version = _parse_version(value)
        if version is None:
            raise ApplicationError(
                _("The version must be a whole number, as read from the record."),
                extra={"fields": {VERSION_FIELD: [_("Enter a whole number.")]}},
            )
        self.version_from = "body"
        return version

    def filter_queryset(self, queryset):
        # the detail's version is read with its row: an ETag never runs ahead of the data
        return with_versions(super().filter_queryset(queryset))

    def paginate_queryset(self, queryset):
        # lists of custom actions too (not only those through filter_queryset): no N+1
        if isinstance(queryset, QuerySet):
            queryset = with_versions(queryset)
        return super().paginate_queryset(queryset)

    def _with_etag(self, response):
        data = response.data
        version = data.get(VERSION_FIELD) if isinstance(data, Mapping) else None
        if version is not None:
            response["ETag"] = _etag(version)
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.action in self.etag_actions and response.status_code == status.HTTP_200_OK:
            self._with_etag(response)
        return response

    def get_exception_handler(self):
        handler = super().get_exception_handler()

        def handle(exc, context):
            if not isinstance(exc, StaleEditError):
                return handler(exc, context)
            code = (
                status.HTTP_409_CONFLICT
                if self.version_from == "body"
                else status.HTTP_412_PRECONDITION_FAILED
            )
            response = Response({"message": exc.message, "extra": exc.extra}, status=code)
            response["ETag"] = _etag(exc.extra.get("version", 0))
            return response

        return handle


IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    description=(
        'The ETag of the record as last read, e.g. "42": the save is refused with 412 when the '
        "record changed since. Instead, a `version` in the body is refused with 409. Without "
        "either the save is not checked."
    ),
)
ETAG = OpenApiParameter(
    "ETag",
    str,
    OpenApiParameter.HEADER,
    response=[200, 409, 412],
    description='The version of the record, quoted (e.g. "42"); send it back in If-Match.',
)
_STALE_EXTRA = (
    " `extra` holds `changed_by` (who made the latest change), `changed_at` (when, ISO 8601 in "
    "local time) and `version` (the current one, also in the ETag header). Nothing was changed."
)
STALE_RESPONSES = {
    409: OpenApiResponse(description="The `version` in the body is not the current one." + _STALE_EXTRA),
    412: OpenApiResponse(description="If-Match does not hold the current version." + _STALE_EXTRA),
}


def versioned_schema(response: Any, request: Any = None):
    """Class decorator documenting a ``VersionedViewSetMixin`` viewset: the ETag of the
    detail and of updates, If-Match and the stale answers of PUT/PATCH. ``response`` is the
    update's answer (the viewset's serializer); ``request`` its input when it differs."""
    update_kwargs: dict[str, Any] = {
        "parameters": [IF_MATCH, ETAG],
        "responses": {200: response, **STALE_RESPONSES},
    }
    if request is not None:
        update_kwargs["request"] = request
    return extend_schema_view(
        retrieve=extend_schema(parameters=[ETAG]),
        update=extend_schema(**update_kwargs),
        partial_update=extend_schema(**update_kwargs),
    )
