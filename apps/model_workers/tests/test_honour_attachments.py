"""An honour's evidence (issue 16, part 2): the certificate through the API and on the
honour's page, scoped like the honour."""

from __future__ import annotations

import pytest

from apps.core.tests.attachment_storage import RecordAttachmentsContract
from apps.core.tests.factories import region
from apps.unions.tests.factories import GrassrootsUnionFactory

from .factories import HonourFactory

pytestmark = pytest.mark.django_db


class TestHonourAttachments(RecordAttachmentsContract):
    kind = "certificate"
    kind_label = "证书"
    api_basename = "honour"
    detail_route = "model_workers:honour-detail"
    model_label = "model_workers.honour"
    file_name = "荣誉证书.pdf"

    def make_record(self):
        return HonourFactory(union=GrassrootsUnionFactory(region=region("620102")))
