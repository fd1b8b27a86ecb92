"""``{% attachments_panel object %}``: a record's attachments on its page (thumbnails of
images, downloads, PDFs opened in the browser) and, for who may change the record, the upload
form (several files at once, or a photo from a phone's camera) and the remove buttons."""

from __future__ import annotations

from typing import Any

from django import template
from django.db import models

from .. import attachments as rules

register = template.Library()


@register.inclusion_tag("core/_attachments.html", takes_context=True)
def attachments_panel(context: dict[str, Any], record: models.Model) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    kinds = rules.kind_choices(record)
    may_attach = bool(kinds) and rules.may_attach(user, record)
    return {
        "record": record,
        "attachments": list(rules.attachments_of(record)) if kinds else [],
        "kinds": kinds,
        "may_attach": may_attach,
        "model_label": record._meta.label_lower,
        "next": request.get_full_path() if request is not None else "",
        "csrf_token": context.get("csrf_token"),
        "max_file_mb": rules.max_file_size() // rules.MB,
        "max_record_mb": rules.max_record_size() // rules.MB,
    }
