"""Attachments: evidence files (an invoice, a visit photo, a signed contract) of any record."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .fields import user_reference


class Attachment(models.Model):
    """One file attached to a record of any domain (content type + object id), under a kind
    the attaching domain chose (``apps.core.attachments.KINDS``).

    The file is stored through Django's storage API under a generated key (``key``); the
    uploaded name is kept for display only. Its type was detected from its content, images
    were re-encoded (EXIF stripped) and have a thumbnail beside them. Who may see or download
    it is decided by the record it belongs to (``apps.core.attachments``); the model has no
    scope of its own."""

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("record type"), on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.CharField(_("record id"), max_length=64)
    kind = models.CharField(_("kind"), max_length=32)
    original_name = models.CharField(_("file name"), max_length=255)
    key = models.CharField(_("storage key"), max_length=255, unique=True)
    thumbnail_key = models.CharField(_("thumbnail key"), max_length=255, blank=True)
    mime_type = models.CharField(_("content type"), max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = user_reference(_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [models.Index(fields=["content_type", "object_id"], name="core_attachment_record")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.original_name}"

    @property
    def is_image(self) -> bool:
        return self.mime_type.startswith("image/")

    @property
    def is_pdf(self) -> bool:
        return self.mime_type == "application/pdf"
