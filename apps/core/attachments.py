"""Attachments: the evidence files of any record (an invoice, a visit photo, a signed contract).

One mechanism for every domain, safe by construction:

- **Which records, which kinds.** A domain declares the kinds of file a model accepts with
  ``allow(model, kinds)`` (the API mixin ``apps.core.api.attachments.AttachmentsViewSetMixin``
  does it for the model of its viewset); the kinds and their labels are declared once here
  (``KINDS``), as the registry declares its flags.
- **Types by content, never by name.** A file is a PDF, a JPEG or a PNG by its first bytes;
  anything else (a renamed executable, a zip) is refused. An image must decode as the type its
  bytes claim and is re-encoded, which drops EXIF (GPS, camera) and anything appended to it (a
  polyglot); its pixels are bounded (a decompression bomb is refused before it is decoded). A
  PDF must start with ``%PDF-`` and end with ``%%EOF``, and may not carry scripts, launch
  actions or embedded files.
- **Sizes.** ``ATTACHMENT_MAX_FILE_SIZE`` per file, ``ATTACHMENT_MAX_RECORD_SIZE`` per record
  (settings; 10 MB and 50 MB by default), ``ATTACHMENT_MAX_IMAGE_PIXELS`` per image.
- **Storage.** Through ``default_storage`` under generated keys (the uploaded name is kept for
  display only): the file system under MEDIA_ROOT on the embedded default, any Django storage
  (an S3-compatible one through django-storages) by configuration, with no change here.
  Images get a thumbnail stored beside them.
- **Scope.** Adding or removing needs the right to change the record (``check_may_change``
  with the record's region, and the model's change permission); reading and downloading the
  right to see it (the model's scoped ``restrict``): outside it, a 404. Every addition, removal
  and download is written to the record's audit trail.

Every refusal is an ``ApplicationError`` with a message for the user, raised before anything is
stored: no file in the storage, no row.
"""

from __future__ import annotations

import hashlib
import io
import re
import uuid
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import QuerySet, Sum
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import audit
from .choices import AuditAction
from .exceptions import ApplicationError
from .models import Attachment
from .scoping import VIEW
from .services import check_may_change

MB = 1024 * 1024
DEFAULT_MAX_FILE_SIZE = 10 * MB
DEFAULT_MAX_RECORD_SIZE = 50 * MB
DEFAULT_MAX_IMAGE_PIXELS = 50_000_000  # a 48-megapixel phone photo passes
THUMBNAIL_SIZE = (240, 240)
PDF_EOF_WINDOW = 1024  # %%EOF must be within the last KB (trailing whitespace is allowed)

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png"}
_PIL_FORMATS = {JPEG: "JPEG", PNG: "PNG"}
_MAGIC = ((b"%PDF-", PDF), (b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG))
# PDF features that run something or smuggle files in: refused (best effort on the raw bytes)
_PDF_ACTIVE = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFiles?)(?![A-Za-z0-9])")

# The kinds of attachment, declared once with their labels; each domain picks its own.
KINDS: dict[str, Any] = {
    "invoice": gettext_lazy("invoice"),
    "discharge_summary": gettext_lazy("discharge summary"),
    "visit_photo": gettext_lazy("visit photo"),
    "income_proof": gettext_lazy("income proof"),
    "illness_proof": gettext_lazy("illness proof"),
    "signed_contract": gettext_lazy("signed contract"),
    "certificate": gettext_lazy("certificate"),
    "supporting_document": gettext_lazy("supporting document"),
    "application_form": gettext_lazy("application form"),
    "proof": gettext_lazy("proof"),
}

_allowed: dict[str, tuple[str, ...]] = {}  # "app_label.model_name" -> kinds


def _label(model: type[models.Model] | models.Model) -> str:
    return model._meta.label_lower


def allow(model: type[models.Model], kinds: Sequence[str]) -> None:
    """Let ``model`` records carry attachments of these kinds (declared in ``KINDS``)."""
    unknown = [k for k in kinds if k not in KINDS]
    if unknown or not kinds:
        raise ValueError(f"attachment kinds not declared in KINDS: {unknown or 'none given'}")
    label = _label(model)
    if _allowed.get(label, tuple(kinds)) != tuple(kinds):
        raise ValueError(f"{label} accepts attachments already, of other kinds")
    _allowed[label] = tuple(kinds)


def kinds_for(model: type[models.Model] | models.Model) -> tuple[str, ...]:
    """The kinds ``model`` accepts; none when it takes no attachments."""
    label = _label(model)
    if label not in _allowed:
        # Declared with the API viewsets, imported with the URLconf: a command or a task that
        # asks before any URL was resolved loads it first.
        from django.urls import get_resolver

        get_resolver().url_patterns  # noqa: B018 - imports every URLconf module
    return _allowed.get(label, ())


def kind_choices(model: type[models.Model] | models.Model) -> list[tuple[str, str]]:
    return [(k, str(KINDS[k])) for k in kinds_for(model)]


def attachable_model(label: str) -> type[models.Model] | None:
    """The model named ``app_label.model_name`` when it accepts attachments, else None."""
    try:
        model = django_apps.get_model(label)
    except (LookupError, ValueError):
        return None
    return model if kinds_for(model) else None


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_file_size() -> int:
    return _setting("ATTACHMENT_MAX_FILE_SIZE", DEFAULT_MAX_FILE_SIZE)


def max_record_size() -> int:
    return _setting("ATTACHMENT_MAX_RECORD_SIZE", DEFAULT_MAX_RECORD_SIZE)


def max_image_pixels() -> int:
    return _setting("ATTACHMENT_MAX_IMAGE_PIXELS", DEFAULT_MAX_IMAGE_PIXELS)


def _megabytes(size: int) -> str:
    return f"{size / MB:.1f}".removesuffix(".0")


# --- checking a file ---------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed every check, as it will be stored."""

    name: str  # the uploaded name, for display only
    mime_type: str
    data: bytes  # what is stored: the re-encoded image, or the PDF as uploaded
    thumbnail: bytes | None


def detect_type(head: bytes) -> str | None:
    """The type the first bytes announce: PDF, JPEG or PNG; None for anything else."""
    for magic, mime in _MAGIC:
        if head.startswith(magic):
            return mime
    return None


def display_name(name: str) -> str:
    """The uploaded name without any path, control characters or quotes, at most 120
    characters: only ever shown, never used to store or find the file."""
    name = PurePath(str(name or "").replace("\\", "/")).name
    name = "".join(c for c in name if c.isprintable() and c not in "\"'<>/\\:*?|").strip(" .")
    return name[-120:]


def download_name(attachment: Attachment) -> str:
    """The name a download is saved under: the displayed stem and the extension of the type
    detected by content (a ``.exe`` name never survives)."""
    stem = PurePath(attachment.original_name).stem.strip(" .") or f"attachment-{attachment.pk}"
    return f"{stem[:100]}{EXTENSIONS.get(attachment.mime_type, '')}"


def _refuse(name: str, message: str) -> ApplicationError:
    return ApplicationError(
        _("%(name)s: %(problem)s") % {"name": name or _("the file"), "problem": message},
        extra={"fields": {"file": [message]}, "file": name},
    )


def _read(upload: Any, name: str) -> bytes:
    size = getattr(upload, "size", None)
    limit = max_file_size()
    if size is not None and size > limit:  # refused before it is read into memory
        raise _refuse(name, _("the file is larger than %(max)s MB.") % {"max": _megabytes(limit)})
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _refuse(name, _("the file is larger than %(max)s MB.") % {"max": _megabytes(limit)})
    if not data:
        raise _refuse(name, _("the file is empty."))
    return data


def _check_pdf(data: bytes, name: str) -> None:
    if b"%%EOF" not in data[-PDF_EOF_WINDOW:]:
        raise _refuse(
            name,
            _(
                "the file is not a complete PDF (its end marker is missing): it may be damaged or hide another file."
            ),
        )
    if _PDF_ACTIVE.search(data):
        raise _refuse(
            name, _("the PDF contains scripts, launch actions or embedded files, which are not accepted.")
        )


def _encode(image: Any, fmt: str, icc: bytes | None) -> bytes:
    out = io.BytesIO()
    options: dict[str, Any] = {"icc_profile": icc} if icc else {}
    if fmt == "JPEG":
        options.update(quality=90, optimize=True)
    else:
        options.update(optimize=True)
    image.save(out, fmt, **options)
    return out.getvalue()


def _check_image(data: bytes, mime: str, name: str) -> tuple[bytes, bytes]:
    """The image re-encoded without its metadata, and its thumbnail."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    fmt = _PIL_FORMATS[mime]
    not_an_image = _refuse(
        name,
        _(
            "the file starts like a %(type)s image but is not a valid one: it may be damaged or hide another file."
        )
        % {"type": fmt},
    )
    limit = max_image_pixels()
    too_large = _refuse(
        name,
        _(
            "the image has too many pixels (at most %(max)s million): it would take too much memory "
            "to open (a decompression bomb?)."
        )
        % {"max": f"{limit / 1_000_000:g}"},
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[fmt])
            width, height = image.size
            if width * height > limit:  # from the header, before any pixel is decoded
                raise too_large
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_large from None
    except ApplicationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise not_an_image from exc
    icc = image.info.get("icc_profile")
    image = ImageOps.exif_transpose(image)  # keep the orientation the EXIF gave, then drop it
    if fmt == "JPEG" and image.mode not in ("L", "RGB", "CMYK"):
        image = image.convert("RGB")
    clean = image.copy()
    clean.info = {}
    stored = _encode(clean, fmt, icc)
    thumb = clean.copy()
    thumb.thumbnail(THUMBNAIL_SIZE)
    if fmt == "JPEG" and thumb.mode == "CMYK":
        thumb = thumb.convert("RGB")
    return stored, _encode(thumb, fmt, None)


def check_file(upload: Any) -> CheckedFile:
    """Read and check one uploaded file; refused with the reason, nothing stored."""
    name = display_name(getattr(upload, "name", "") or "")
    data = _read(upload, name)
    mime = detect_type(data[:16])
    if mime is None:
        raise _refuse(
            name,
            _(
                "only PDF, JPEG and PNG files are accepted; this file is none of them, whatever its name says."
            ),
        )
    if mime == PDF:
        _check_pdf(data, name)
        return CheckedFile(name or "document.pdf", mime, data, None)
    stored, thumbnail = _check_image(data, mime, name)
    return CheckedFile(name or f"image{EXTENSIONS[mime]}", mime, stored, thumbnail)


# --- reads ------------------------------------------------------------------------------


def _record_filter(record: models.Model) -> dict[str, Any]:
    ct = ContentType.objects.get_for_model(record, for_concrete_model=True)
    return {"content_type": ct, "object_id": str(record.pk)}


def attachments_of(record: models.Model) -> QuerySet[Attachment]:
    """The record's attachments, oldest first, with who uploaded them."""
    return Attachment.objects.filter(**_record_filter(record)).select_related("uploaded_by")


def record_of(attachment: Attachment) -> models.Model | None:
    model = attachment.content_type.model_class()
    if model is None:
        return None
    return model._default_manager.filter(pk=attachment.object_id).first()


def scoped_record(model: type[models.Model], object_id: Any, user: Any, action: str = VIEW):
    """The record when the user may reach it for ``action`` (the model's permission and its
    scope), else None: the caller answers 404."""
    if not kinds_for(model):
        return None
    perm = "view" if action == VIEW else "change"
    if not user.has_perm(f"{model._meta.app_label}.{perm}_{model._meta.model_name}"):
        return None
    try:
        return model.objects.restrict(user, action).filter(pk=object_id).first()
    except (ValueError, TypeError):
        return None


def attachment_for(*, user: Any, pk: Any) -> tuple[Attachment, models.Model] | None:
    """The attachment and its record when the user may see the record, else None (a 404)."""
    attachment = Attachment.objects.select_related("content_type").filter(pk=pk).first()
    if attachment is None:
        return None
    model = attachment.content_type.model_class()
    if model is None:
        return None
    record = scoped_record(model, attachment.object_id, user, VIEW)
    return None if record is None else (attachment, record)


def may_attach(user: Any, record: models.Model) -> bool:
    """Whether the user may add (and remove) attachments of the record."""
    try:
        _check_may_attach(user, record)
    except ApplicationError:
        return False
    return True


def _check_may_attach(user: Any, record: models.Model) -> None:
    from .scoping import region_of

    model = type(record)
    if not kinds_for(model):
        raise ApplicationError(_("This kind of record takes no attachments."))
    message = _("You may not change the attachments of this record.")
    decides = getattr(record, "may_attach", None)  # a record with its own rule (a change request)
    if decides is not None:
        if user is not None and not decides(user):
            raise ApplicationError(message)
        return
    if user is not None and not user.has_perm(f"{model._meta.app_label}.change_{model._meta.model_name}"):
        raise ApplicationError(message)
    check_may_change(user, region_of(record), model, message)


# --- writes -----------------------------------------------------------------------------


def _key(record: models.Model) -> str:
    opts = record._meta
    return f"attachments/{opts.app_label}/{opts.model_name}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


def _describe(attachment: Attachment) -> str:
    kind = KINDS.get(attachment.kind, attachment.kind)
    return f"#{attachment.pk} {kind} {attachment.original_name}"


def _audit(record: models.Model, attachment: Attachment, user: Any, note: str) -> None:
    """An attachment added or removed is a change of its record, in the record's trail."""
    note = note % {"attachment": _describe(attachment)}
    audit.record(record, AuditAction.UPDATE, changes={}, user=user, note=note)


def attachments_add(*, record: models.Model, files: Iterable[Any], kind: str, user: Any) -> list[Attachment]:
    """Attach several files to the record, all or none: every file is checked (type by
    content, sizes, image decoding) before the first is stored. Each one gets an audit entry
    on the record."""
    _check_may_attach(user, record)
    if kind not in kinds_for(record):
        allowed = "、".join(str(KINDS[k]) for k in kinds_for(record))
        raise ApplicationError(
            _("Choose what the file is: one of %(kinds)s.") % {"kinds": allowed},
            extra={"fields": {"kind": [_("Not a kind this record accepts.")]}},
        )
    uploads = list(files)
    if not uploads:
        raise ApplicationError(
            _("Choose at least one file."), extra={"fields": {"file": [_("No file was sent.")]}}
        )
    checked = [check_file(u) for u in uploads]
    stored: list[str] = []
    try:
        with transaction.atomic():
            # one upload at a time per record: the per-record total cannot be overrun by a race
            type(record)._default_manager.select_for_update().filter(pk=record.pk).exists()
            used = attachments_of(record).aggregate(total=Sum("size"))["total"] or 0
            adding = sum(len(c.data) for c in checked)
            if used + adding > max_record_size():
                raise ApplicationError(
                    _(
                        "The record's attachments would take %(total)s MB, more than the %(max)s MB "
                        "allowed per record; remove some first."
                    )
                    % {"total": _megabytes(used + adding), "max": _megabytes(max_record_size())},
                    extra={"fields": {"file": [_("Too much for this record.")]}},
                )
            ct = ContentType.objects.get_for_model(record, for_concrete_model=True)
            created = []
            for c in checked:
                base = _key(record)
                key = default_storage.save(base + EXTENSIONS[c.mime_type], ContentFile(c.data))
                stored.append(key)
                thumb = ""
                if c.thumbnail is not None:
                    thumb = default_storage.save(
                        f"{base}.thumb{EXTENSIONS[c.mime_type]}", ContentFile(c.thumbnail)
                    )
                    stored.append(thumb)
                attachment = Attachment.objects.create(
                    content_type=ct,
                    object_id=str(record.pk),
                    kind=kind,
                    original_name=c.name,
                    key=key,
                    thumbnail_key=thumb,
                    mime_type=c.mime_type,
                    size=len(c.data),
                    sha256=hashlib.sha256(c.data).hexdigest(),
                    uploaded_by=user if getattr(user, "is_authenticated", False) else None,
                )
                _audit(record, attachment, user, _("Attachment added: %(attachment)s"))
                created.append(attachment)
    except BaseException:
        for key in stored:  # nothing of a refused or failed upload stays in the storage
            default_storage.delete(key)
        raise
    return created


def attachment_add(*, record: models.Model, file: Any, kind: str, user: Any) -> Attachment:
    """Attach one file to the record (see ``attachments_add``)."""
    return attachments_add(record=record, files=[file], kind=kind, user=user)[0]


@transaction.atomic
def attachment_delete(*, attachment: Attachment, user: Any) -> None:
    """Remove an attachment (the right to change its record); its files leave the storage
    once the removal is committed."""
    record = record_of(attachment)
    if record is None:
        raise ApplicationError(_("The record of this attachment no longer exists."))
    _check_may_attach(user, record)
    keys = [k for k in (attachment.key, attachment.thumbnail_key) if k]
    _audit(record, attachment, user, _("Attachment removed: %(attachment)s"))
    attachment.delete()
    transaction.on_commit(lambda: [default_storage.delete(k) for k in keys])


# --- downloads ----------------------------------------------------------------------------


def download_response(
    attachment: Attachment, record: models.Model, *, user: Any, inline: bool = False, thumbnail: bool = False
) -> FileResponse:
    """The file as a download (``Content-Disposition: attachment``, the detected type,
    ``nosniff``); a PDF or an image opens in the browser with ``inline``. Every download of
    the file itself is written to the record's audit trail (a thumbnail is not)."""
    key = attachment.thumbnail_key if thumbnail else attachment.key
    if not key:
        from django.http import Http404

        raise Http404
    inline = thumbnail or (inline and (attachment.is_pdf or attachment.is_image))
    if not thumbnail:
        audit.record(
            record,
            AuditAction.VIEW,
            changes={},
            user=user,
            note=_("Attachment downloaded: %(attachment)s") % {"attachment": _describe(attachment)},
        )
    response = FileResponse(
        default_storage.open(key, "rb"),
        as_attachment=not inline,
        filename=download_name(attachment),
        content_type=attachment.mime_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
