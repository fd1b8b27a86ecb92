from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import selectors, services
from .exceptions import ApplicationError
from .filtersets import RegionFilterSet
from .forms import TownshipForm
from .models import Region
from .views_base import ScopedDetailView, ScopedListView


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    recent = selectors.audit_list(user=user)[:10]
    return render(request, "core/home.html", {"recent": recent, "region": user.region})


class RegionListView(ScopedListView):
    model = Region
    filterset_class = RegionFilterSet
    template_name = "core/region_list.html"
    ordering_fields = ("code", "name")
    default_ordering = "code"

    def scoped_queryset(self):
        return selectors.region_list(user=self.request.user)


class RegionDetailView(ScopedDetailView):
    model = Region
    template_name = "core/region_detail.html"
    slug_field = "code"
    slug_url_kwarg = "code"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["children"] = selectors.region_list(user=self.request.user).filter(parent=self.object)
        return ctx


@login_required
@permission_required("core.add_region", raise_exception=True)
def township_create(request: HttpRequest) -> HttpResponse:
    form = TownshipForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            region = services.township_create(
                parent=form.cleaned_data["parent"],
                code=form.cleaned_data["code"],
                name=form.cleaned_data["name"],
                user=request.user,
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Township %(name)s added.") % {"name": region.name})
            return redirect("region-detail", code=region.code)
    return render(request, "core/township_form.html", {"form": form})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness of the database and the broker, for the load balancer and the operators."""
    from django.conf import settings

    state = {"database": "ok", "broker": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
        state["database"] = f"error: {exc.__class__.__name__}"
    if settings.REDIS_URL:
        try:
            import redis

            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2).ping()
        except Exception as exc:  # noqa: BLE001
            state["broker"] = f"error: {exc.__class__.__name__}"
    else:
        state["broker"] = "eager (no broker configured)"
    healthy = not any(v.startswith("error") for v in state.values())
    return JsonResponse({"status": "ok" if healthy else "error", **state}, status=200 if healthy else 503)
