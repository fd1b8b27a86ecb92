"""Links that lead nobody into a 403: ``{% allowed_url "app:route" as url %}{% if url %}…``."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

from ..views_base import page_allowed

register = template.Library()


@register.simple_tag(takes_context=True)
def allowed_url(context: dict[str, Any], name: str, *args: Any) -> str:
    """The page's URL when its own permission check lets the user in, else an empty string."""
    request = context.get("request")
    user = getattr(request, "user", None)
    try:
        url = reverse(name, args=args or None)
    except NoReverseMatch:
        return ""
    return url if user is not None and page_allowed(user, url) else ""
