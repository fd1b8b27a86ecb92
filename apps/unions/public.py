"""What the other domains may use of the unions app: its door (STYLE.md convention 11).

Every domain hangs its records on a grassroots union (and insurance on its members), types a
union by its code in forms, the API and import files, and filters by it. Those pieces are
re-exported here; the rest of the unions app (services, views, other serializers, forms and
resources) is its own business and may change without notice. ``tests/test_architecture.py``
refuses an import of ``apps.unions.<anything else>`` from another domain.

Add a name here only when another domain needs it, and keep it stable once it is here.
"""

from __future__ import annotations

from .api.serializers import UnionCodeField
from .choices import Sex
from .filtersets import union_q
from .forms import UnionCodeField as UnionCodeFormField
from .models import GrassrootsUnion, Member
from .resources import UnionRefMixin, union_column, unions_by_code

__all__ = [
    # Models: the union every domain record belongs to, and the member insurance covers.
    "GrassrootsUnion",
    "Member",
    # Choices shared with the member register (a covered member's sex).
    "Sex",
    # A union typed by its code, looked up in the user's scope: API field and form field.
    "UnionCodeField",
    "UnionCodeFormField",
    # Filter a queryset by a union code or id (filtersets).
    "union_q",
    # Import/export: the 工会编码 column and its batched look-up.
    "UnionRefMixin",
    "union_column",
    "unions_by_code",
]
