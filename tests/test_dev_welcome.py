"""``python3 dev.py run`` greets a newcomer with every demo login of README's table (issue 12)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from apps.core.management.commands.load_demo import DEMO_DATA_USERS, DEMO_USERS

ROOT = Path(__file__).resolve().parent.parent


def _dev():
    spec = importlib.util.spec_from_file_location("gonghui_dev", ROOT / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_welcome_lists_every_demo_login_of_the_readme():
    dev = _dev()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    in_table = re.findall(r"^\| `([a-z_0-9]+)` \|", readme, flags=re.MULTILINE)
    message = dev.welcome("127.0.0.1:8000")
    assert "pref_lz2" in in_table
    assert (
        sorted(in_table)
        == sorted(dev.DEMO_LOGINS)
        == sorted([u[0] for u in DEMO_USERS] + list(DEMO_DATA_USERS))
    )
    shown = set(re.findall(r"\b(admin|province|pref_lz2?|county_[a-z]+|union_[a-z]+)\b", message))
    assert shown == set(in_table)
    assert "http://127.0.0.1:8000/" in message and dev.DEMO_PASSWORD in message
