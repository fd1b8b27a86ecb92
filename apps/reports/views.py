"""Pages of reports: the dashboards (precomputed summaries), request / watch / download reports."""

from __future__ import annotations

import datetime as dt
import functools
import mimetypes
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from apps.core import views_base as generic
from apps.core.choices import RegionLevel
from apps.core.exceptions import ApplicationError
from apps.core.models import Region

from . import indicators, selectors, services
from .choices import ReportFile, ReportStatus
from .filtersets import YearlyReportFilterSet
from .forms import ReportRequestForm
from .models import IndicatorSummary, YearlyReport
from .seed import SEED_FIGURES

HEADLINE_CODES = [
    "org.unions",
    "org.members",
    "org.members_joined",
    "comp.participating_workers",
    "mw.model_workers",
    "mw.studios",
    "hs.households",
    "hs.aid_amount",
    "ins.covered_workers",
    "ins.payout_amount",
    "svc.employment_services",
    "svc.wage_amount",
]
BREAKDOWN_CODES = ["org.unions", "org.members", "comp.participating_units", "hs.households", "hs.aid_amount"]
TREND_CODES = ["org.members", "org.members_joined", "hs.households_aided", "svc.employment_services"]
BAR_CODES = ["org.members", "hs.aid_amount"]
# The worker-services section: every svc figure over the years shown (the province's next to
# the seed report's, SEED_FIGURES), and the programmes' reach by child region.
SERVICES = "svc"
SERVICE_BREAKDOWN_CODES = [
    "svc.jinqiu_students",
    "svc.relief_amount",
    "svc.warmth_households",
    "svc.employment_services",
    "svc.training_attendance",
    "svc.wage_amount",
    "svc.loans",
]
# A report finished less than this ago was "computed just now" (e.g. in the request itself).
JUST_NOW = dt.timedelta(minutes=2)
CONTENT_TYPES = {
    ReportFile.JSON: "application/json",
    ReportFile.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ReportFile.PDF: "application/pdf",
}


@functools.cache
def echarts_installed() -> bool:
    """Whether ECharts is among the static files (npm ci puts it there); else no charts are drawn."""
    from django.contrib.staticfiles import finders

    return bool(finders.find("vendor/echarts/echarts.min.js"))


def file_response(report: YearlyReport, kind: str) -> FileResponse | None:
    """The report's file as a download, or None when the report has no such file."""
    if kind not in ReportFile.values:
        return None
    field = report.file_for(kind)
    if not field:
        return None
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        return None
    name = f"gonghui-yearly-{report.year}-{report.region.code}.{kind}"
    content_type = CONTENT_TYPES.get(kind) or mimetypes.guess_type(name)[0] or "application/octet-stream"
    return FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)


def _number(code: str, value: Any) -> Any:
    return indicators.parse_value(code, value if value is not None else 0)


class DashboardView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """Headline figures, trends, breakdown by child region with drill-down, charts; all read from
    the precomputed summaries (IndicatorSummary), recomputed by Celery every night and, with
    REPORTS_REFRESH_ON_WRITE, a few minutes after writes to a region (apps/core/freshness.py)."""

    template_name = "reports/dashboard.html"
    permission_required = "reports.view_indicatorsummary"
    years_shown = 5

    def get_region(self) -> Region:
        code = (self.request.GET.get("region") or "").strip()
        region = (
            Region.objects.filter(code=code).first() if code else selectors.default_region(self.request.user)
        )
        if region is None or not selectors.user_may_see_region(self.request.user, region):
            raise Http404
        return region

    def get_year(self) -> int:
        try:
            year = int(self.request.GET.get("year") or selectors.default_year())
        except ValueError:
            year = selectors.default_year()
        return max(1949, min(year, selectors.default_year() + 1))

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        region, year = self.get_region(), self.get_year()
        years = list(range(year - self.years_shown + 1, year + 1))
        children = list(
            Region.objects.filter(
                parent=region, level__in=[RegionLevel.PREFECTURE, RegionLevel.COUNTY]
            ).order_by("code")
        )
        data = selectors.summaries(years=years, regions=[region])
        if children:
            data.update(selectors.summaries(years=[year], regions=children))
        current = data[(year, region.pk)]

        def figure(code: str) -> dict[str, Any]:
            ind = indicators.BY_CODE[code]
            return {
                "code": code,
                "name": ind.name,
                "amount": ind.amount,
                "value": _number(code, current.get(code)),
                "url": selectors.figure_url(code, region, year, user=user),
            }

        ctx["region"] = region
        ctx["year"] = year
        ctx["may_refresh"] = services.may_refresh_summaries(user)
        ctx["computed_at"] = (
            IndicatorSummary.objects.filter(year=year, region=region)
            .values_list("computed_at", flat=True)
            .first()
        )
        # What the page says of the figures' age must match how they are kept up to date.
        ctx["refresh_on_write"] = services.refresh_on_write()
        ctx["refresh_minutes"] = max(
            1, -(-int(getattr(settings, "REPORTS_REFRESH_DELAY_SECONDS", 300)) // 60)
        )
        ctx["years"] = years
        ctx["year_choices"] = list(range(selectors.default_year() + 1, selectors.default_year() - 10, -1))
        # Links lead only where the user may go: no region above the user's own, no list they may not open.
        ctx["breadcrumbs"] = selectors.dashboard_path(user=user, region=region)
        ctx["headline"] = [figure(c) for c in HEADLINE_CODES if c in current]
        # Worker services have a section of their own (below), the other domains a table each.
        ctx["domains"] = [
            {
                "name": name,
                "figures": [figure(i.code) for i in indicators.indicators_of(key) if i.code in current],
            }
            for key, name in indicators.DOMAIN_NAMES.items()
            if key != SERVICES
        ]
        ctx["domains"] = [d for d in ctx["domains"] if d["figures"]]
        drills = {
            child.pk: (
                f"{reverse('reports:dashboard')}?region={child.code}&year={year}"
                if selectors.user_may_see_region(user, child)
                else None
            )
            for child in children
        }

        def breakdown(codes: list[str]) -> list[dict[str, Any]]:
            return [
                {
                    "region": child,
                    "drill": drills[child.pk],
                    "values": [
                        {
                            "value": _number(c, data[(year, child.pk)].get(c)),
                            "amount": indicators.BY_CODE[c].amount,
                            "url": selectors.figure_url(c, child, year, user=user),
                        }
                        for c in codes
                    ],
                }
                for child in children
            ]

        codes = [c for c in BREAKDOWN_CODES if c in current]
        ctx["breakdown_headers"] = [indicators.BY_CODE[c].name for c in codes]
        ctx["breakdown"] = breakdown(codes)
        ctx["services"] = services_section(region=region, year=year, years=years, data=data, user=user)
        if ctx["services"]:
            codes = [c for c in SERVICE_BREAKDOWN_CODES if c in current]
            ctx["services"]["breakdown_headers"] = [indicators.BY_CODE[c].name for c in codes]
            ctx["services"]["breakdown"] = breakdown(codes)
        ctx["echarts"] = echarts_installed()
        ctx["chart_data"] = {
            "years": years,
            "trend": [
                {
                    "name": indicators.BY_CODE[c].name,
                    "values": [_as_float(c, data[(y, region.pk)].get(c)) for y in years],
                }
                for c in TREND_CODES
                if c in current
            ],
            "children": [child.name for child in children],
            "bars": [
                {
                    "name": indicators.BY_CODE[c].name,
                    "values": [_as_float(c, data[(year, child.pk)].get(c)) for child in children],
                }
                for c in BAR_CODES
                if c in current
            ],
        }
        return ctx


def services_section(
    *, region: Region, year: int, years: list[int], data: dict[tuple[int, int], dict[str, Any]], user: Any
) -> dict[str, Any] | None:
    """Every worker-services figure of the region over the years that have any (always the year
    shown), each year's value linked to the register's list of that year; for the province, the
    seed report's figure and the share of it the year reached. None without svc figures."""
    current = data[(year, region.pk)]
    codes = [i.code for i in indicators.indicators_of(SERVICES) if i.code in current]
    if not codes:
        return None
    shown = [y for y in years if y == year or any(_number(c, data[(y, region.pk)].get(c)) for c in codes)]
    province = region.level == RegionLevel.PROVINCE
    rows = []
    for code in codes:
        value = _number(code, current.get(code))
        seed = SEED_FIGURES.get(code) if province else None
        rows.append(
            {
                "code": code,
                "name": indicators.BY_CODE[code].name,
                "amount": indicators.BY_CODE[code].amount,
                "cells": [
                    {
                        "year": y,
                        "value": _number(code, data[(y, region.pk)].get(code)),
                        "url": selectors.figure_url(code, region, y, user=user),
                    }
                    for y in shown
                ],
                "value": value,
                "seed": seed,
                "share": (Decimal(value) / Decimal(seed)) if seed else None,
            }
        )
    return {"name": indicators.DOMAIN_NAMES[SERVICES], "years": shown, "rows": rows, "seed": province}


def _as_float(code: str, value: Any) -> float | int:
    number = _number(code, value)
    return float(number) if indicators.BY_CODE[code].amount else int(number)


class ReportListView(generic.ScopedListView):
    model = YearlyReport
    selector = staticmethod(selectors.report_list)
    template_name = "reports/report_list.html"
    filterset_class = YearlyReportFilterSet
    ordering_fields = ("year", "requested_at", "status")
    default_ordering = "-year"
    paginate_by = 30
    title = gettext_lazy("Yearly reports")

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["request_form"] = ReportRequestForm(regions=selectors.reportable_regions(user=self.request.user))
        return ctx


class ReportRequestView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """POST: request (or regenerate) the report of a year and region, then watch it."""

    permission_required = "reports.view_yearlyreport"

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ReportRequestForm(request.POST, regions=selectors.reportable_regions(user=request.user))
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect("reports:report-list")
        try:
            report = services.report_request(
                year=form.cleaned_data["year"], region=form.cleaned_data["region"], user=request.user
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("reports:report-list")
        # Without a worker (the embedded default) the report was computed in this request, on
        # the commit of the request's transaction.
        report.refresh_from_db(fields=["status"])
        messages.success(
            request,
            _("The report has been computed.")
            if report.status == ReportStatus.DONE
            else _("The report has been requested."),
        )
        return redirect("reports:report-detail", pk=report.pk)


class ReportDetailView(generic.ScopedDetailView):
    model = YearlyReport
    selector = staticmethod(selectors.report_list)
    template_name = "reports/report_detail.html"

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        report = self.object
        ctx["finished"] = report.status in (ReportStatus.DONE, ReportStatus.FAILED)
        ctx["computed_just_now"] = bool(
            report.status == ReportStatus.DONE
            and report.finished_at
            and timezone.now() - report.finished_at < JUST_NOW
        )
        ctx["stage"] = "" if ctx["finished"] else report.get_stage_display()
        # Why the dashboard may show other figures: its summary was computed before the report.
        summary_at = (
            IndicatorSummary.objects.filter(year=report.year, region_id=report.region_id)
            .values_list("computed_at", flat=True)
            .first()
        )
        ctx["dashboard_computed_at"] = (
            summary_at
            if summary_at
            and report.status == ReportStatus.DONE
            and report.finished_at
            and summary_at < report.finished_at
            else None
        )
        ctx["files"] = [
            {"kind": kind, "label": label, "url": reverse("reports:report-download", args=[report.pk, kind])}
            for kind, label in ReportFile.choices
            if report.file_for(kind)
        ]
        rows = []
        if report.snapshot:
            values = report.snapshot.get("indicators", {})
            rows = [
                {"code": i.code, "name": i.name, "value": _number(i.code, values[i.code]), "amount": i.amount}
                for i in indicators.INDICATORS
                if i.code in values
            ]
        ctx["rows"] = rows
        ctx["status_url"] = reverse("api:yearlyreport-detail", args=[report.pk])
        return ctx


class ReportDownloadView(generic.ScopedDetailView):
    model = YearlyReport

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        report = self.get_object()
        response = file_response(report, kwargs["kind"])
        if response is None:
            raise Http404
        return response


class DashboardRefreshView(LoginRequiredMixin, View):
    """POST: provincial staff recompute now the figures of the dashboard they are looking at
    (a region and year), instead of waiting for the night; then back to that dashboard."""

    def post(self, request: HttpRequest) -> HttpResponse:
        region = Region.objects.filter(code=(request.POST.get("region") or "").strip()).first()
        if region is None or not selectors.user_may_see_region(request.user, region):
            raise Http404
        try:
            year = int(request.POST.get("year") or "")
        except ValueError:
            messages.error(request, _("Choose a year."))
            return redirect(f"{reverse('reports:dashboard')}?region={region.code}")
        try:
            done = services.summary_refresh_request(region=region, year=year, user=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("The figures have been recomputed.")
                if done
                else _("The figures are being recomputed; reload the page in a minute."),
            )
            return redirect(f"{reverse('reports:dashboard')}?region={region.code}&year={year}")
        return redirect(f"{reverse('reports:dashboard')}?region={region.code}")
