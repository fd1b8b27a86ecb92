from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import AppConfig
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class WorkQueue:
    """A domain's work queue as its ``AppConfig`` declares it: ``apps.core.work.Queue`` but for
    the section (the app's ``work_section``) and the count, named by its path inside the app
    ("selectors.unions_work_transfers") so that apps.py imports no model."""

    key: str
    label: str | Promise
    count: str | Callable[[Any], int]
    url_name: str
    order: int
    query: str = ""


class Contributions:
    """Mixed into a domain's ``AppConfig``: its ``ready()`` contributes what the class declares —
    the answer to a resident flag or records question (``apps.core.registry``) and the work
    queues of the home page (``apps.core.work``) — in every process (web, worker, shell, tests)
    before any page, export or task asks. Registering again is a no-op (``ready`` may run twice).

    An app with more to do at start-up overrides ``ready`` and calls ``super().ready()``."""

    name: str
    resident_flag: tuple[str, str] | None = None  # (registry key, "selectors.<lookup>")
    resident_records: tuple[str, str] | None = None  # (registry key, "<module>.<lookup>")
    work_section: str | Promise = ""
    work_queues: tuple[WorkQueue, ...] = ()

    def ready(self) -> None:
        from . import registry, work

        if self.resident_flag is not None:
            key, path = self.resident_flag
            registry.contribute(key, self._resolve(path))
        if self.resident_records is not None:
            key, path = self.resident_records
            registry.contribute_records(key, self._resolve(path))
        for queue in self.queues():
            work.contribute(
                work.Queue(
                    key=queue.key,
                    label=queue.label,
                    count=self._resolve(queue.count),
                    url_name=queue.url_name,
                    query=queue.query,
                    order=queue.order,
                    section=self.work_section,
                )
            )

    def queues(self) -> Iterable[WorkQueue]:
        """The queues to contribute: the declared ones (an app may add computed ones)."""
        return self.work_queues

    def _resolve(self, target: str | Callable[..., Any]) -> Callable[..., Any]:
        return import_string(f"{self.name}.{target}") if isinstance(target, str) else target


class CoreConfig(AppConfig):
    name = "apps.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Login lockout: audit the locks axes signals, and our audited unlock in the admin.
        from . import lockout, lockout_admin

        lockout.connect()
        lockout_admin.register()
        # cached grants are outdated by any change of a user's or a group's permissions
        from .auth import connect_permission_signals

        connect_permission_signals()
        # The home page's queues of grassroots unions' change requests (apps.core.work).
        from .change_request_views import contribute_queues

        contribute_queues()
