"""Migration operations of our own, for the tables that are large in production.

``AddIndexConcurrently`` is Django's ``AddIndex`` that PostgreSQL builds CONCURRENTLY, so the
table stays writable while the index is built (minutes on millions of rows); the other
databases build it as ``AddIndex`` does. A migration using it sets ``atomic = False``: a
concurrent build cannot run inside a transaction.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


class AddIndexConcurrently(migrations.AddIndex):
    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        if schema_editor.connection.vendor == "postgresql":
            # an index left INVALID by an interrupted concurrent build is built again
            schema_editor.remove_index(model, self.index, concurrently=True)
            schema_editor.add_index(model, self.index, concurrently=True)
        else:
            schema_editor.add_index(model, self.index)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        model = from_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.remove_index(model, self.index, concurrently=True)
        else:
            schema_editor.remove_index(model, self.index)

    def describe(self) -> str:
        return f"{super().describe()} (concurrently on PostgreSQL)"
