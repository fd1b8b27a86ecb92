from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# The six domains and the reports, in the order staff work through them. A section whose
# pages are not installed yet is left out rather than linked to nothing.
SECTIONS = [
    ("unions:union-list", _("Unions & members")),
    ("competitions:competition-list", _("Competitions")),
    ("model_workers:modelworker-list", _("Model workers")),
    ("hardship:household-list", _("Hardship households")),
    ("insurance:plan-list", _("Mutual medical insurance")),
    ("services:index", _("Worker services")),
    ("reports:dashboard", _("Reports")),
]


def navigation(request: HttpRequest) -> dict:
    items = []
    for name, label in SECTIONS:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "active": request.path.startswith(url)})
    return {"nav_sections": items}
