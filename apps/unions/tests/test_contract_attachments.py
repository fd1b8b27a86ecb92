"""A collective contract's evidence (issue 16, part 2): the signed contract through the API
and on the contract's page, scoped like the contract."""

from __future__ import annotations

import pytest

from apps.core.tests.attachment_storage import RecordAttachmentsContract
from apps.core.tests.factories import region

from .factories import ContractFactory, GrassrootsUnionFactory

pytestmark = pytest.mark.django_db


class TestContractAttachments(RecordAttachmentsContract):
    kind = "signed_contract"
    kind_label = "签订的合同"
    api_basename = "contract"
    detail_route = "unions:contract-detail"
    model_label = "unions.collectivecontract"
    file_name = "集体合同.pdf"

    def make_record(self):
        return ContractFactory(union=GrassrootsUnionFactory(region=region("620102")))
