"""Field shapes many models repeat, declared once (the migrations see the same fields)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


def optional_reference(
    to: Any,
    verbose_name: Any = None,
    *,
    on_delete: Any = models.PROTECT,
    related_name: str = "+",
    **options: Any,
) -> models.ForeignKey:
    """A reference a record may do without (null and blank): a parent, a region, a union."""
    return models.ForeignKey(
        to,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=on_delete,
        related_name=related_name,
        **options,
    )


def user_reference(verbose_name: Any = None, **options: Any) -> models.ForeignKey:
    """Who filed, decided or requested a record: optional, and kept (set to NULL) when the
    account is deleted; no reverse accessor on the user."""
    return optional_reference(settings.AUTH_USER_MODEL, verbose_name, on_delete=models.SET_NULL, **options)


def set_exactly_in_status(status: str, *fields: str, name: str) -> models.CheckConstraint:
    """The record's ``fields`` (a payment date, a payout...) are filled exactly while its
    ``status`` is ``status`` (paid, closed), and empty in every other status."""
    return models.CheckConstraint(
        condition=models.Q(status=status, **{f"{field}__isnull": False for field in fields})
        | (~models.Q(status=status) & models.Q(**{f"{field}__isnull": True for field in fields})),
        name=name,
    )
