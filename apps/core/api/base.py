"""Base API classes. A viewset is composed of the mixins it needs (NetBox's way): a scoped
read-only base, then one mixin per write it offers, each calling a service. A method the
viewset does not offer is not routed at all (405, and absent from the schema) instead of
being inherited and cancelled.

Reads go through the selector the pages use (``selector``); writes through the services
named on the viewset (``create_service``, ``update_service``, ``destroy_service``)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from typing import Any, ClassVar

from django.db.models import Model, QuerySet
from django.utils.functional import Promise
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.filters import SearchFilter
from rest_framework.response import Response
from rest_framework.settings import api_settings

from ..audit import audit_context
from ..choices import AuditSource
from ..exceptions import ApplicationError
from ..locking import VersionedViewSetMixin
from ..models import ChangeRequest
from ..scoping import CHANGE, VIEW
from .search import ResidentIdSearchFilter

Service = Callable[..., Any]


class ScopedViewSetMixin:
    """Restricts the rows to the user's scope: reads by VIEW, writes by CHANGE.

    Objects outside the scope are simply not in the queryset, so they are a 404. The rows
    come from ``selector(user=..., action=...)``, the same read path as the pages (declare it
    with ``staticmethod``); ``queryset`` still names the model (role permission, schema)."""

    write_scope_action = CHANGE
    selector: ClassVar[Callable[..., QuerySet] | None] = None
    # the settings' backends, ``?search=`` finding a full resident ID by equality (.search)
    filter_backends = [
        ResidentIdSearchFilter if backend is SearchFilter else backend
        for backend in api_settings.DEFAULT_FILTER_BACKENDS
    ]

    def dispatch(self, request, *args, **kwargs):
        # the audit context set in initial() is undone when the view returns, whatever happens
        with ExitStack() as self._audit_scope:
            return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # Token authentication happens here, after the middleware set the audit context.
        self._audit_scope.enter_context(audit_context(user=request.user, source=AuditSource.API))

    def http_method_not_allowed(self, request, *args, **kwargs):
        # A method the viewset does not offer (not routed, not in the schema) is a 405; on a
        # record outside the scope it is the 404 that every other request on it gets.
        if (self.lookup_url_kwarg or self.lookup_field) in kwargs:
            self.get_object()
        return super().http_method_not_allowed(request, *args, **kwargs)

    def scope_action(self) -> str:
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            return VIEW
        return self.write_scope_action

    def scoped_queryset(self, action: str) -> QuerySet:
        """The rows the user may reach for ``action``, through the read path."""
        if self.selector is not None:
            return self.selector(user=self.request.user, action=action)
        return super().get_queryset().restrict(self.request.user, action)

    def get_queryset(self) -> QuerySet:
        return self.scoped_queryset(self.scope_action())

    def validated(self, serializer_class: type[serializers.Serializer], **kwargs: Any) -> dict[str, Any]:
        """The request body checked by an action's input serializer (a 400 when it is not)."""
        data = serializer_class(data=self.request.data, context=self.get_serializer_context(), **kwargs)
        data.is_valid(raise_exception=True)
        return data.validated_data

    def respond(self, instance: Model, code: int = status.HTTP_200_OK) -> Response:
        """The record after a write as a GET shows it: read again through the read path (its
        annotations and related rows), falling back to the service's instance. A grassroots
        union's write came back as a change request: 202 with the request."""
        if isinstance(instance, ChangeRequest):
            return proposed(instance)
        fresh = self.scoped_queryset(VIEW).filter(pk=instance.pk).first() or instance
        return Response(self.get_serializer(fresh).data, status=code)


class ScopedReadOnlyViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """List and detail. Add the write mixins below for the writes the model has."""


def proposed(request: ChangeRequest) -> Response:
    """The answer to a grassroots union's write (apps/core/proposals.py): 202 Accepted with the
    change request it filed; 201 when a trusted union's request was applied at once."""
    from .change_requests import ChangeRequestSerializer

    code = status.HTTP_202_ACCEPTED if request.is_pending else status.HTTP_201_CREATED
    return Response(ChangeRequestSerializer(request).data, status=code)


class ProposedWrite(Exception):  # noqa: N818 - carries the change request out of perform_*
    def __init__(self, request: ChangeRequest) -> None:
        self.request = request


class _ProposalAwareMixin:
    """A write whose service filed a change request answers with it (``proposed``)."""

    def _written(self, result: Any) -> Any:
        if isinstance(result, ChangeRequest):
            raise ProposedWrite(result)
        return result

    def _answer(self, write: Callable[[], Response]) -> Response:
        try:
            return write()
        except ProposedWrite as done:
            return proposed(done.request)


class ServiceCreateMixin(_ProposalAwareMixin, mixins.CreateModelMixin):
    """POST on the list: the serializer validates, ``create_service(user=..., **data)`` writes."""

    create_service: ClassVar[Service]

    def create(self, request, *args, **kwargs):
        return self._answer(lambda: super(ServiceCreateMixin, self).create(request, *args, **kwargs))

    def perform_create(self, serializer):
        serializer.instance = self._written(
            self.create_service(user=self.request.user, **serializer.validated_data)
        )


class _RecordServiceMixin:
    #: the keyword under which the update and destroy services take the record
    record_kwarg: ClassVar[str]


class ServiceUpdateMixin(_ProposalAwareMixin, _RecordServiceMixin, mixins.UpdateModelMixin):
    """PUT and PATCH on the detail: ``update_service(<record_kwarg>=record, user=..., **data)``.

    ``fixed_fields`` ({field: message}) are relations an update may not move the record
    along (a member's union, a payment's model worker): the same value is dropped, another
    one refused with the message. A versioned viewset passes the version the client read."""

    update_service: ClassVar[Service]
    fixed_fields: ClassVar[dict[str, str | Promise]] = {}

    def update_data(self, serializer) -> dict[str, Any]:
        data = dict(serializer.validated_data)
        for field, message in self.fixed_fields.items():
            value = data.pop(field, None)
            if value is not None and value.pk != getattr(serializer.instance, f"{field}_id"):
                raise ApplicationError(str(message))
        if isinstance(self, VersionedViewSetMixin):
            data["expected_version"] = self.expected_version()
        return data

    def update(self, request, *args, **kwargs):
        return self._answer(lambda: super(ServiceUpdateMixin, self).update(request, *args, **kwargs))

    def perform_update(self, serializer):
        serializer.instance = self._written(
            self.update_service(
                **{self.record_kwarg: serializer.instance},
                user=self.request.user,
                **self.update_data(serializer),
            )
        )


class ServiceDestroyMixin(_ProposalAwareMixin, _RecordServiceMixin, mixins.DestroyModelMixin):
    """DELETE on the detail: ``destroy_service(<record_kwarg>=record, user=...)``."""

    destroy_service: ClassVar[Service]

    def destroy(self, request, *args, **kwargs):
        return self._answer(lambda: super(ServiceDestroyMixin, self).destroy(request, *args, **kwargs))

    def perform_destroy(self, instance):
        self._written(self.destroy_service(**{self.record_kwarg: instance}, user=self.request.user))


class ScopedModelViewSet(ServiceCreateMixin, ServiceUpdateMixin, ServiceDestroyMixin, ScopedReadOnlyViewSet):
    """Full CRUD, every write through the services the viewset names."""
