"""What needs the user today: the work queues of every domain, and the headline figures of the
user's region, for the home page.

Each domain knows what waits for a decision of its own (a transfer to accept, a claim to review,
a relief payment to approve...) and who may take it (its ``decisions.py``). It *contributes*
each queue once, from its ``AppConfig.ready()``, as a ``Queue``: a key, a label, a function
``count(user) -> int`` answering in one cheap query how many items wait for *this* user, the
URL name of the page that lists them, and an order. The home page asks ``waiting_for(user)``
and never imports a domain (STYLE.md convention 11, docs/architecture.md), as the resident
flags of ``registry.py`` are answered:

    unions/apps.py ready()
        work.contribute(work.Queue(key="unions.transfers", label=_("Membership transfers to accept"),
                                   count=selectors.unions_work_transfers,
                                   url_name="unions:transfer-list", order=110))

The reports app contributes, the same way, the headline figures of the user's region
(``contribute_headline``): a few key figures read from the precomputed dashboard summaries.

The rules a count obeys:

- it counts only what the user may act on now — the role and reach of the domain's
  ``DecisionStep``, four eyes included — never an item the user cannot act on as "theirs";
- one query, whatever the number of items: no per-row audit reads. Where the exact answer would
  need one (the four-eyes "last editor" rule reads the audit trail per record),
  ``content_edited_by`` gives an SQL condition that excludes at least those records, so the
  count may miss a record but never claims one the user may not decide;
- big tables are counted up to ``CAP`` (``capped_count``): the page shows "1000+".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import CharField, Exists, OuterRef, Q
from django.db.models.functions import Cast
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise

from .choices import AuditAction, Role

CAP = 1000  # a queue is counted up to CAP items: beyond that the page says "1000+"

QueueCount = Callable[[Any], int]  # count(user) -> the items waiting for the user (one query)


@dataclass(frozen=True)
class Queue:
    """One kind of item that waits for a user's decision or action, contributed by its domain."""

    key: str  # unique: "<app>.<what>", e.g. "insurance.claims_to_pay"
    label: str | Promise  # what waits, for the home page: "Claims to pay"
    count: QueueCount
    url_name: str  # the page that lists the items, e.g. "insurance:claim-queue"
    query: str = ""  # its query string, without "?": "queue=approved"
    order: int = 100  # the home page lists queues by order, then key
    section: str | Promise = ""  # the domain's name, grouping the queues on the home page

    @property
    def source(self) -> str:
        return f"{self.count.__module__}.{getattr(self.count, '__qualname__', repr(self.count))}"

    def url(self) -> str:
        """The listing page, or "" when it is not installed (then the queue is shown unlinked)."""
        try:
            base = reverse(self.url_name)
        except NoReverseMatch:
            return ""
        return f"{base}?{self.query}" if self.query else base


@dataclass(frozen=True)
class Waiting:
    """A queue with items for the user, as the home page shows it."""

    key: str
    label: str | Promise
    count: int  # at most CAP + 1
    url: str
    section: str | Promise = ""

    @property
    def capped(self) -> bool:
        return self.count > CAP

    @property
    def display(self) -> str:
        return f"{CAP}+" if self.capped else str(self.count)


@dataclass(frozen=True)
class Figure:
    """One headline figure of a region: a dashboard indicator's name and value."""

    code: str
    label: str | Promise
    value: int | Decimal
    amount: bool = False  # yuan (shown with 2 decimals), else a count
    url: str = ""  # the list behind the figure, when the user may open it


@dataclass(frozen=True)
class Headline:
    """The headline figures of the user's region for a year, and the dashboard they come from."""

    region: str  # the region's name
    year: int | None  # None when no figures are computed yet
    figures: tuple[Figure, ...] = field(default_factory=tuple)
    url: str = ""  # the region's dashboard


HeadlineLookup = Callable[[Any], Headline | None]

_queues: dict[str, Queue] = {}
_headline: list[HeadlineLookup] = []  # at most one contribution


def contribute(queue: Queue) -> None:
    """Register a domain's queue (call from ``AppConfig.ready``).

    Registering the same queue again is a no-op (``ready`` may run again in a shell or a test);
    another count under a key already taken is refused at start-up: one answer per queue."""
    existing = _queues.get(queue.key)
    if existing is not None and existing.count is not queue.count:
        raise ImproperlyConfigured(
            f"The work queue {queue.key!r} is already contributed by {existing.source}; "
            f"{queue.source} cannot contribute it too."
        )
    _queues[queue.key] = queue


def queues() -> list[Queue]:
    """The contributed queues in the order the home page lists them."""
    return sorted(_queues.values(), key=lambda q: (q.order, q.key))


def waiting_for(user: Any) -> list[Waiting]:
    """The queues with items waiting for ``user`` (count above 0), in order: one query per
    contributed queue at most (a queue of a step the user's role never takes asks none)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    found = []
    for queue in queues():
        n = queue.count(user)
        if n > 0:
            found.append(Waiting(queue.key, queue.label, n, queue.url(), queue.section))
    return found


def contribute_headline(lookup: HeadlineLookup) -> None:
    """Register the answer to "the headline figures of the user's region" (the reports app's,
    from its ``ready()``): ``lookup(user) -> Headline | None``, reading precomputed figures in
    one query, never computing them. One contribution; the same one again is a no-op."""
    if _headline and _headline[0] is not lookup:
        first = _headline[0]
        raise ImproperlyConfigured(
            f"The headline figures are already contributed by {first.__module__}.{first.__qualname__}; "
            f"{lookup.__module__}.{lookup.__qualname__} cannot contribute them too."
        )
    _headline[:] = [lookup]


def headline_for(user: Any) -> Headline | None:
    """The headline figures of the user's region, or None (no contribution, or none to show)."""
    if not _headline or user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return _headline[0](user)


# Helpers for the domains' count functions ------------------------------------------------------


def capped_count(queryset: models.QuerySet) -> int:
    """How many rows, counted up to ``CAP + 1`` (one query, cheap on a table of millions):
    ``Waiting.display`` shows more than ``CAP`` as "1000+"."""
    return queryset.select_related(None).order_by()[: CAP + 1].count()


def acting_role(user: Any) -> str | None:
    """The role a decision step judges ``user`` by (superusers act as administrators, as in
    ``DecisionStep.refusal``), or None for an anonymous or inactive user."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return Role.ADMIN if user.is_superuser else user.role


def takes(user: Any, roles: Sequence[str]) -> bool:
    """Whether the user's role is among a step's ``roles`` (``DecisionStep.roles``): a count
    for a step the user's role never takes is 0 without a query."""
    role = acting_role(user)
    return role is not None and role in roles


def content_edited_by(user: Any, model: type[models.Model], *, ignore_fields: Iterable[str] = ()) -> Exists:
    """A condition on ``model`` rows: the user has changed the row's contents at some time — an
    audit entry by the user that creates or updates it, touching a field other than
    ``ignore_fields`` (the fields its decisions write) or naming none, as
    ``decisions.last_editor_id`` reads the trail.

    It holds for every row whose last content editor (``last_editor_id``) is the user, and
    for a few more (a row the user edited before a colleague did): ``.exclude()`` it to drop,
    in the count's own query, every record four eyes refuses the user as its editor, at the
    price of missing a record that a colleague's later edit made the user's to decide."""
    from django.contrib.contenttypes.models import ContentType

    from .models import AuditEntry

    ignored = set(ignore_fields)
    content = [f.name for f in model._meta.concrete_fields if f.name not in ignored]
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model, for_concrete_model=True),
        object_id=Cast(OuterRef("pk"), output_field=CharField()),
        user_id=user.pk,
        action__in=(AuditAction.CREATE, AuditAction.UPDATE),
    ).filter(Q(changes={}) | Q(changes__has_any_keys=content))
    return Exists(entries)
