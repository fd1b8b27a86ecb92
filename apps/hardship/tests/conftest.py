import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_messages():
    """Service messages are asserted on their English msgids; pages render in Chinese."""
    with translation.override("en"):
        yield
