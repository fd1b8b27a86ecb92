"""URLconfs for the worker-services links of the reports: the site with stand-ins for the seven
register lists (whatever the services app serves by then), and the site without them."""

from django.http import HttpResponse
from django.urls import include, path

from config.urls import urlpatterns as site

LISTS = ("relief", "visit", "jobfair", "employmentservice", "training", "rightscase", "loan")


def _list(request):
    return HttpResponse("")


without_services = [p for p in site if getattr(p, "namespace", None) != "services"]
registers = [path(f"{name}/", _list, name=f"{name}-list") for name in LISTS]
urlpatterns = [path("services-lists/", include((registers, "services"))), *without_services]
