import pytest

from apps.core import registry
from apps.core.testing import override_flag


@pytest.fixture
def real_hardship():
    """Requested by the tests of the hardship flag: they use the hardship domain's real look-up."""
    return True


@pytest.fixture(autouse=True)
def _no_hardship_lookup(request):
    """The hardship cross-check is another domain's answer to the core registry: the tests of
    this app stub it (no household anywhere), except those requesting ``real_hardship``."""
    if "real_hardship" in request.fixturenames:
        yield
        return
    with override_flag(registry.HARDSHIP_HOUSEHOLD, lambda ids, user=None: set()):
        yield
