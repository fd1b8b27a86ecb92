from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import selectors, services, work
from . import views_base as generic
from .filtersets import RegionFilterSet
from .forms import TownshipForm
from .models import Region
from .scoping import is_union_user


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """What needs the user today: the domains' work queues with items waiting for this user
    (``apps.core.work``, one query per queue whatever the number of items), the headline
    figures of the user's region, and the recent changes in the user's scope."""
    user = request.user
    waiting = work.waiting_for(user)
    sections: dict[str, list[work.Waiting]] = {}
    for item in waiting:
        sections.setdefault(str(item.section), []).append(item)
    return render(
        request,
        "core/home.html",
        {
            # the audit trail is closed to grassroots union users: no list rather than an empty one
            "recent": None if is_union_user(user) else selectors.recent_changes(user=user),
            "region": user.region,
            "waiting": waiting,
            "waiting_sections": list(sections.items()),
            "headline": work.headline_for(user),
        },
    )


class RegionListView(generic.ScopedListView):
    model = Region
    selector = staticmethod(selectors.region_list)
    filterset_class = RegionFilterSet
    ordering_fields = ("code", "name")
    default_ordering = "code"
    subnav_template = ""
    title = gettext_lazy("Regions")
    add_url_name = "township-create"
    add_label = gettext_lazy("Add township")


class RegionDetailView(generic.ScopedDetailView):
    model = Region
    subnav_template = ""
    slug_field = "code"
    slug_url_kwarg = "code"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["children"] = selectors.region_list(user=self.request.user).filter(parent=self.object)
        return ctx


class TownshipCreateView(generic.ServiceCreateView):
    """Adds a township (9-digit division code) under a county of the user's scope."""

    model = Region
    form_class = TownshipForm
    service = staticmethod(services.township_create)
    subnav_template = ""
    title = gettext_lazy("Add township")
    success_message = gettext_lazy("Township %(name)s added.")

    def cancel_url(self):
        return reverse("region-list")

    def success_url(self, result):
        return reverse("region-detail", kwargs={"code": result.code})


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


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages that name no icon (the admin, the API docs). The
    icon's URL is resolved per request: the static manifest exists only after collectstatic."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
