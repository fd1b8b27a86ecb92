"""Work split over forked processes, for generators bound by Python (one process per core).

Only on PostgreSQL (SQLite writes one at a time), where fork exists, and outside any
transaction: each process opens its own connection and sees only what was committed.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from django.db import connection, connections

from .audit import audit_context, current_context


def may_fork() -> bool:
    """Whether ``in_processes`` may be used here and now."""
    return (
        connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and "fork" in multiprocessing.get_all_start_methods()
    )


def in_processes(work: Callable[..., Any], args: Sequence[tuple]) -> list[Any]:
    """``work(*a)`` for each ``a`` of ``args``, each in a forked process, under the caller's
    audit context; the results in the order of ``args``."""
    ctx = current_context()
    connections.close_all()  # a forked child must not share the parent's socket
    with ProcessPoolExecutor(max_workers=len(args), mp_context=multiprocessing.get_context("fork")) as pool:
        futures = [pool.submit(_run, work, ctx.source, ctx.note, a) for a in args]
        return [f.result() for f in futures]


def _run(work: Callable[..., Any], source: str, note: str, args: tuple) -> Any:
    with audit_context(source=source, note=note):
        try:
            return work(*args)
        finally:
            connections.close_all()
