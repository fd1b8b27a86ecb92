from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .views_base import page_allowed

# The six domains and the reports, in the order staff work through them, then the change
# requests of grassroots unions. A section whose pages are not installed yet is left out
# rather than linked to nothing, and so is one whose page would refuse the user (a
# grassroots union user sees only what leads to its union).
SECTIONS = [
    ("unions:union-list", _("Unions & members")),
    ("competitions:competition-list", _("Competitions")),
    ("model_workers:modelworker-list", _("Model workers")),
    ("hardship:household-list", _("Hardship households")),
    ("insurance:plan-list", _("Mutual medical insurance")),
    ("services:index", _("Worker services")),
    ("reports:dashboard", _("Reports")),
    ("changerequest-list", _("Change requests")),
    ("union-account-list", _("Union accounts")),
]


def navigation(request: HttpRequest) -> dict:
    items = []
    user = getattr(request, "user", None)
    for name, label in SECTIONS:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        if user is not None and user.is_authenticated and not page_allowed(user, url):
            continue
        items.append({"url": url, "label": label, "active": request.path.startswith(url)})
    return {"nav_sections": items}
