#!/usr/bin/env python3
"""The two commands of a fresh machine (Python 3.11 and nothing else):

    python3 dev.py run     install, migrate, load demo data, start the app at http://127.0.0.1:8000/
    python3 dev.py test    install and run the whole test suite (ruff, checks, pytest)

Both use the embedded default (SQLite, eager Celery) unless DATABASE_URL / REDIS_URL are set.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PY = VENV / "bin" / "python"
DEMO_PASSWORD = "Gonghui-2026!"
# The demo logins of load_demo, as README's table lists them (what each one shows first).
DEMO_LOGINS = ("admin", "province", "pref_lz", "pref_lz2", "county_cg", "county_qlh", "union_cg")


def welcome(host: str) -> str:
    """What ``run`` prints when the app starts: where it is and who can log in."""
    admin, *others = DEMO_LOGINS
    return (
        f"\n  Gonghui is running at http://{host}/\n  Log in as {admin} / {DEMO_PASSWORD} "
        f"(or {', '.join(others)} — same password; README says what each one shows)\n"
    )


def sh(*args: str, env: dict | None = None) -> None:
    print("+", " ".join(args), flush=True)
    subprocess.run(args, cwd=ROOT, check=True, env=env)


def install() -> None:
    if sys.version_info[:2] != (3, 11):
        sys.exit(f"Python 3.11 is required, this is {sys.version.split()[0]}")
    if not PY.exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / ".installed"
    spec = (ROOT / "pyproject.toml").read_bytes()
    if not stamp.exists() or stamp.read_bytes() != spec:
        sh(str(PY), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", ".[dev]")
        stamp.write_bytes(spec)
    install_static()


def install_static() -> None:
    """The front-end libraries (ECharts) from npm into node_modules/, when package-lock.json changed."""
    lock = ROOT / "package-lock.json"
    if not lock.exists():
        return
    stamp = ROOT / "node_modules" / ".gonghui-installed"
    if stamp.exists() and stamp.read_bytes() == lock.read_bytes():
        return
    npm = shutil.which("npm")
    if npm is None:
        print(
            "! npm is not installed: the dashboards will show no charts (install Node.js and npm)", flush=True
        )
        return
    sh(npm, "ci", "--no-audit", "--no-fund", "--loglevel=error")
    stamp.write_bytes(lock.read_bytes())


def manage(*args: str) -> None:
    sh(str(PY), "manage.py", *args)


def run() -> None:
    install()
    manage("migrate", "--noinput")
    manage("load_demo", "--password", DEMO_PASSWORD)
    host = os.environ.get("HOST", "127.0.0.1:8000")
    print(welcome(host), flush=True)
    os.execv(str(PY), [str(PY), "manage.py", "runserver", host, "--noreload"])


def test(extra: list[str]) -> None:
    install()
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.test")
    sh(str(VENV / "bin" / "ruff"), "check", ".")
    sh(str(VENV / "bin" / "ruff"), "format", "--check", ".")
    sh(str(PY), "manage.py", "check", env=env)
    sh(str(PY), "manage.py", "makemigrations", "--check", "--dry-run", env=env)
    sh(str(PY), "-m", "pytest", *parallel(extra), *extra, env=env)


def parallel(extra: list[str]) -> list[str]:
    """Run the suite on every core (at most 4) with pytest-xdist, unless told otherwise (``-n``,
    ``-p no:xdist``). Browser tests share one process, one Chromium at a time, and so do the
    tests of a real Celery worker (conftest.py: their ``xdist_group``)."""
    if any(a == "-n" or a.startswith(("-n", "--numprocesses")) or a == "no:xdist" for a in extra):
        return []
    workers = min(os.cpu_count() or 1, 4)
    return ["-n", str(workers), "--dist", "loadgroup"] if workers > 1 else []


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in ("run", "test"):
        sys.exit(__doc__)
    if sys.argv[1] == "run":
        run()
    else:
        test(sys.argv[2:])


if __name__ == "__main__":
    main()
