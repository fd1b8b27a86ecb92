"""API of reports: request a yearly report (202), watch it, download its files."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response

from apps.core.api.base import ScopedReadOnlyViewSet
from apps.core.exceptions import ApplicationError
from apps.core.scoping import VIEW
from apps.core.selectors import region_by_code

from .. import selectors, services
from ..choices import ReportFile
from ..filtersets import YearlyReportFilterSet
from ..models import YearlyReport
from ..views import file_response
from .serializers import YearlyReportRequestSerializer, YearlyReportSerializer

RETRY_AFTER_SECONDS = 60  # when the task queue is down


class YearlyReportViewSet(ScopedReadOnlyViewSet):
    """Yearly summary reports (年度统计报告). POST {year, region} queues one and answers 202;
    GET shows its status, progress and results; files are downloaded through ``download``."""

    queryset = YearlyReport.objects.all()
    selector = staticmethod(selectors.report_list)
    serializer_class = YearlyReportSerializer
    filterset_class = YearlyReportFilterSet
    ordering_fields = ["year", "requested_at", "status"]
    ordering = ["-year", "region__code"]
    # Requesting a report reads data: everyone who may view the region may request it.
    write_permission_action = "view"
    write_scope_action = VIEW

    @extend_schema(
        request=YearlyReportRequestSerializer,
        responses={
            202: YearlyReportSerializer,
            400: OpenApiResponse(description="bad input"),
            503: OpenApiResponse(
                description="the task queue is down: nothing was requested, try again later "
                '(``{"message": ..., "extra": {}}``, with Retry-After)'
            ),
        },
    )
    def create(self, request, *args, **kwargs):
        data = self.validated(YearlyReportRequestSerializer)
        region = region_by_code(data["region"])
        if region is None or not selectors.user_may_see_region(request.user, region):
            raise DRFValidationError({"region": [_("Unknown region code.")]})
        try:
            report = services.report_request(year=data["year"], region=region, user=request.user)
        except services.ReportQueueUnavailable as exc:
            return Response(
                {"message": exc.message, "extra": exc.extra},
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
        except ApplicationError as exc:
            raise DRFValidationError({"detail": exc.message}) from exc
        body = self.get_serializer(report).data
        return Response(body, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "kind", str, OpenApiParameter.PATH, enum=["json", "xlsx", "pdf"], description="file"
            )
        ],
        responses={(200, "application/octet-stream"): OpenApiResponse(description="the file")},
    )
    @action(detail=True, methods=["get"], url_path=r"download/(?P<kind>json|xlsx|pdf)")
    def download(self, request, pk=None, kind: str = ReportFile.JSON) -> FileResponse:
        report = self.get_object()
        response = file_response(report, kind)
        if response is None:
            raise Http404
        return response
