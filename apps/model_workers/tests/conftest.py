import pytest


@pytest.fixture
def real_hardship():
    """Requested by the tests of the hardship flag: they use the hardship domain's real look-up."""
    return True


@pytest.fixture(autouse=True)
def _no_hardship_lookup(request, monkeypatch):
    """The hardship cross-check is another domain's query: the tests of this app stub it
    (no household anywhere), except those requesting ``real_hardship``."""
    if "real_hardship" in request.fixturenames:
        return
    monkeypatch.setattr("apps.hardship.selectors.hardship_id_numbers", lambda id_numbers: set())
