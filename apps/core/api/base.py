"""Base API classes. A viewset is composed of the mixins it needs (NetBox's way): a scoped
read-only base, then one mixin per write it offers, each calling a service. A method the
viewset does not offer is not routed at all (405, and absent from the schema) instead of
being inherited and cancelled.

Reads go through the selector the pages use (``selector``); writes through the services
the viewset names as the admin does (``writes = ServiceWrites.named(services, "talk")``), and
a record's workflow steps are declared as data (``approve = RecordStep(services.x_approve)``)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from typing import Any, ClassVar

from django.db.models import Model, QuerySet
from django.utils.functional import Promise
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import SearchFilter
from rest_framework.response import Response
from rest_framework.settings import api_settings

from ..admin_base import ServiceWrites
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
    # The model permission a write needs (None: by method); an action routed with "view" is a
    # decision open to whoever sees the record (a reviewer above the county holds only
    # "view"): its record is looked up in the view scope, and its service's decision step
    # says who may take it (a 400 saying who may, for the others).
    write_permission_action: str | None = None
    selector: ClassVar[Callable[..., QuerySet] | None] = None
    # the services the record is written through; their ``record`` keyword also names the
    # record to the workflow steps (``RecordStep``)
    writes: ClassVar[ServiceWrites | None] = None
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
        if self.request.method in ("GET", "HEAD", "OPTIONS") or self.write_permission_action == VIEW:
            return VIEW
        return self.write_scope_action

    def scoped_queryset(self, action: str) -> QuerySet:
        """The rows the user may reach for ``action``, through the read path."""
        if self.selector is not None:
            return self.selector(user=self.request.user, action=action)
        return super().get_queryset().restrict(self.request.user, action)

    def get_queryset(self) -> QuerySet:
        return self.scoped_queryset(self.scope_action())

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        # A record's own URL is not narrowed by the list's filters, search and ordering (the
        # scope is get_queryset's): building the filter form cost a detail request a millisecond.
        if (self.lookup_url_kwarg or self.lookup_field) in self.kwargs:
            return queryset
        return super().filter_queryset(queryset)

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

    def take_step(
        self,
        service: Service,
        input_serializer: type[serializers.Serializer] | None = None,
        code: int = status.HTTP_200_OK,
        rename: dict[str, str] | None = None,
    ) -> Response:
        """A workflow step on the record: the record first (outside the scope is a 404 whatever
        the input), then the input (``rename``: fields the service names otherwise), then
        ``service(<record>=record, user=..., **input)``; the answer is ``respond``'s."""
        record = self.get_object()
        data = self.validated(input_serializer) if input_serializer is not None else {}
        data = {(rename or {}).get(name, name): value for name, value in data.items()}
        return self.respond(service(**{self.writes.record: record}, user=self.request.user, **data), code)


class RecordStep:
    """A workflow step declared as data on a viewset (or a mixin of its actions)::

        approve = RecordStep(services.claim_approve, write_permission_action="view")

    routes ``POST {id}/approve/`` to ``take_step`` and documents it: ``body`` is the request
    body's serializer (None: no body), ``response`` the answer's (default: the viewset's
    ``serializer_class``) with status ``code``; the other keywords go to ``@action``."""

    def __init__(
        self,
        service: Service,
        body: type[serializers.Serializer] | None = None,
        *,
        response: type[serializers.Serializer] | None = None,
        code: int = status.HTTP_200_OK,
        description: str | None = None,
        rename: dict[str, str] | None = None,
        **action_kwargs: Any,
    ) -> None:
        self.service, self.body, self.response, self.code = service, body, response, code
        self.description, self.rename, self.action_kwargs = description, rename, action_kwargs

    def __set_name__(self, owner: type, name: str) -> None:
        # The router finds an action by its function's name: the function is made here, where
        # the name is known, and replaces the declaration on the class.
        step = self

        def run(view, request, pk=None):
            return view.take_step(step.service, step.body, step.code, step.rename)

        run.__name__ = name
        run.__qualname__ = f"{owner.__qualname__}.{name}"
        run.__module__ = owner.__module__
        documented = {"description": self.description} if self.description else {}
        responses = {self.code: self.response or owner.serializer_class}
        routed = action(detail=True, methods=["post"], **self.action_kwargs)(run)
        setattr(owner, name, extend_schema(request=self.body, responses=responses, **documented)(routed))


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
    """POST on the list: the serializer validates, ``writes.create(user=..., **data)`` writes."""

    def create(self, request, *args, **kwargs):
        return self._answer(lambda: super(ServiceCreateMixin, self).create(request, *args, **kwargs))

    def perform_create(self, serializer):
        serializer.instance = self._written(
            self.writes.create(user=self.request.user, **serializer.validated_data)
        )


class ServiceUpdateMixin(_ProposalAwareMixin, mixins.UpdateModelMixin):
    """PUT and PATCH on the detail: ``writes.update(<writes.record>=record, user=..., **data)``.

    ``fixed_fields`` ({field: message}) are relations an update may not move the record
    along (a member's union, a payment's model worker): the same value is dropped, another
    one refused with the message. A versioned viewset passes the version the client read."""

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
            self.writes.update(
                **{self.writes.record: serializer.instance},
                user=self.request.user,
                **self.update_data(serializer),
            )
        )


class ServiceDestroyMixin(_ProposalAwareMixin, mixins.DestroyModelMixin):
    """DELETE on the detail: ``writes.delete(<writes.record>=record, user=...)``."""

    def destroy(self, request, *args, **kwargs):
        return self._answer(lambda: super(ServiceDestroyMixin, self).destroy(request, *args, **kwargs))

    def perform_destroy(self, instance):
        self._written(self.writes.delete(**{self.writes.record: instance}, user=self.request.user))


class ScopedModelViewSet(ServiceCreateMixin, ServiceUpdateMixin, ServiceDestroyMixin, ScopedReadOnlyViewSet):
    """Full CRUD, every write through the services the viewset names."""
