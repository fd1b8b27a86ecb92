"""Exports in the import template: personal columns masked without the right, exports in
full recorded. An export is written in the templates' Chinese whatever the user's language."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .. import personal
from .cells import contract_language
from .output import write_table
from .templates import ImportResource, get_resource


def run_export(resource: ImportResource | str, target: Path | str, *, user: Any, queryset=None) -> int:
    """Export the user's records in the import template: personal columns masked without the
    right; an export that carries them in full is recorded (who, which columns, how many)."""
    if isinstance(resource, str):
        resource = get_resource(resource)
    target = Path(target)
    qs = queryset if queryset is not None else resource.export_queryset(user)
    # no user: a command run by the operator of the server, who sees everything (and is recorded)
    show = user is None or personal.may_view(user)
    sensitive = [
        (i, personal.RESIDENT_ID if c.sensitive is True else c.sensitive)
        for i, c in enumerate(resource.columns)
        if c.sensitive
    ]
    count = 0

    def rows() -> Iterator[list[Any]]:
        nonlocal count
        for record in qs.iterator(chunk_size=2000):
            values = resource.export_row(record)
            if not show:
                for i, kind in sensitive:
                    masked = personal.mask(kind, values[i])
                    values[i] = personal.MASKED if masked is None and values[i] not in (None, "") else masked
            count += 1
            yield values

    with contract_language():
        write_table(target, resource.headers, rows())
    if show and sensitive and count:
        personal.record_export(
            user, resource.model, count=count, fields=[resource.columns[i].header for i, _k in sensitive]
        )
    return count
