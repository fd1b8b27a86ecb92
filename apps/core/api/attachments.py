"""Attachments in the API: ``GET``/``POST {record}/{id}/attachments/`` on any record's viewset
(``AttachmentsViewSetMixin``) and ``GET /api/v1/attachments/{id}/download/``. The rules are
those of ``apps.core.attachments``: the record's scope, types by content, sizes, audit."""

from __future__ import annotations

from typing import ClassVar

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from .. import attachments as rules
from ..models import Attachment
from .base import ScopedViewSetMixin
from .parsers import MultiPartParser


class AttachmentSerializer(serializers.ModelSerializer):
    """An attachment as lists show it; ``download`` is the URL of the file."""

    kind_label = serializers.SerializerMethodField()
    uploaded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    download = serializers.SerializerMethodField()
    has_thumbnail = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "kind",
            "kind_label",
            "original_name",
            "mime_type",
            "size",
            "sha256",
            "has_thumbnail",
            "uploaded_by",
            "uploaded_at",
            "download",
        ]
        read_only_fields = fields

    def get_kind_label(self, obj) -> str:
        return str(rules.KINDS.get(obj.kind, obj.kind))

    def get_download(self, obj) -> str:
        from django.urls import reverse

        url = reverse("api:attachment-download", args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url

    def get_has_thumbnail(self, obj) -> bool:
        return bool(obj.thumbnail_key)


class AttachmentUploadSerializer(serializers.Serializer):
    """One file (multipart field ``file``) and what it is (``kind``)."""

    file = serializers.FileField(help_text="PDF, JPEG or PNG, checked by content; at most 10 MB by default")
    kind = serializers.ChoiceField(choices=[])


def _upload_serializer(model, kinds) -> type[AttachmentUploadSerializer]:
    """The upload input of one model: ``kind`` limited to what the model accepts (and so
    documented in the schema)."""
    return type(
        f"{model.__name__}AttachmentUploadSerializer",
        (AttachmentUploadSerializer,),
        {
            "kind": serializers.ChoiceField(choices=[(k, rules.KINDS[k]) for k in kinds]),
            "__module__": __name__,
        },
    )


_ATTACHMENTS_DOC = {
    "GET": "The record's attachments, oldest first; who may see the record.",
    "POST": "Attach a file (PDF, JPEG or PNG, checked by content; images re-encoded without EXIF) "
    "to the record; who may change the record. A refused file is a 400 and nothing is stored.",
}


class AttachmentsViewSetMixin:
    """``GET {id}/attachments/`` lists the record's attachments (who may see the record);
    ``POST {id}/attachments/`` adds one (multipart ``file`` and ``kind``; who may change the
    record: outside that scope, a 404). Declare ``attachment_kinds`` on the viewset: its model
    then accepts those kinds everywhere (the pages too, ``apps.core.attachments.allow``)."""

    attachment_kinds: ClassVar[tuple[str, ...]] = ()
    attachment_upload_serializer: ClassVar[type[AttachmentUploadSerializer]] = AttachmentUploadSerializer

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if not cls.attachment_kinds or getattr(cls, "queryset", None) is None:
            return
        model = cls.queryset.model
        rules.allow(model, cls.attachment_kinds)
        upload = cls.attachment_upload_serializer = _upload_serializer(model, cls.attachment_kinds)

        # one action per viewset, so that each documents its own input (its kinds)
        @extend_schema(
            methods=["GET"],
            request=None,
            responses={200: AttachmentSerializer(many=True)},
            description=_ATTACHMENTS_DOC["GET"],
        )
        @extend_schema(
            methods=["POST"],
            request={"multipart/form-data": upload},
            responses={201: AttachmentSerializer},
            description=_ATTACHMENTS_DOC["POST"],
        )
        @action(
            detail=True,
            methods=["get", "post"],
            url_path="attachments",
            url_name="attachments",
            parser_classes=[MultiPartParser],
            filterset_class=None,
            filter_backends=[],
        )
        def attachments(self, request, pk=None):  # the action's name: its URL name and mapping
            return self.record_attachments(request)

        cls.attachments = attachments

    def record_attachments(self, request):
        record = self.get_object()  # outside the scope (VIEW to read, CHANGE to add): a 404
        if request.method == "GET":
            # the paginator itself: a viewset's own list hooks (versions, annotations) are for its model
            page = self.paginator.paginate_queryset(rules.attachments_of(record), request, view=self)
            data = AttachmentSerializer(page, many=True, context=self.get_serializer_context()).data
            return self.get_paginated_response(data)
        data = self.validated(self.attachment_upload_serializer)
        attachment = rules.attachment_add(
            record=record, file=data["file"], kind=data["kind"], user=request.user
        )
        return Response(
            AttachmentSerializer(attachment, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


class AttachmentViewSet(ScopedViewSetMixin, viewsets.GenericViewSet):
    """Downloads of attachments: only for who may see the record the file belongs to (else a
    404), recorded in the record's audit trail."""

    queryset = Attachment.objects.all()
    serializer_class = AttachmentSerializer
    # who may read is the record's permission and scope (apps.core.attachments.attachment_for)
    skip_model_permission = True
    filter_backends: list = []

    def get_queryset(self):
        return Attachment.objects.none()  # rows are reached through their record, one at a time

    def get_object(self):
        found = rules.attachment_for(user=self.request.user, pk=self.kwargs.get("pk"))
        if found is None:
            raise Http404
        self.check_object_permissions(self.request, found[0])
        return found

    @extend_schema(
        parameters=[
            OpenApiParameter("inline", OpenApiTypes.BOOL, description="open a PDF or an image in the browser")
        ],
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="the file"),
            (200, "image/jpeg"): OpenApiResponse(OpenApiTypes.BINARY, description="the file"),
            (200, "image/png"): OpenApiResponse(OpenApiTypes.BINARY, description="the file"),
        },
        description="The file, as an attachment (or inline with ``inline=1``), with the type "
        "detected by its content and ``X-Content-Type-Options: nosniff``. Recorded in the audit "
        "trail of the record it belongs to.",
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        attachment, record = self.get_object()
        inline = request.query_params.get("inline", "").lower() in ("1", "true")
        return rules.download_response(attachment, record, user=request.user, inline=inline)
