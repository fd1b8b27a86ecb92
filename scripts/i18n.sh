#!/usr/bin/env bash
# Refresh the catalogues: collect messages, fill them from JSON dictionaries, compile. Serialised
# with a lock so that parallel work on several apps never writes a .po at the same time.
#   zh_Hans  English msgids get their Chinese from the dictionaries given (default: every
#            var/i18n/*.json, {"English msgid": "中文"}).
#   en       Chinese msgids (choice labels, indicator names, template titles: the Chinese of the
#            import contract, shown as they are in Chinese) get their English from
#            locale/en/chinese.json ({"中文 msgid": "English"}).
# The msgids still missing are printed ("untranslated: …" for zh_Hans, "untranslated (en): …").
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var/i18n
exec 9>var/i18n.lock
flock 9
if [ "$#" -eq 0 ]; then set -- var/i18n/*.json; fi
[ -e "$1" ] || set --
.venv/bin/python manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=node_modules --no-location >/dev/null
.venv/bin/python - "$@" <<'EOF'
import contextlib
import io
import re
import sys
from pathlib import Path

sys.path.insert(0, "scripts")
import po_fill  # noqa: E402


def chinese(msgid: str) -> bool:
    """A Chinese msgid: Chinese characters and no Latin letter."""
    return bool(re.search(r"[\u4e00-\u9fff]", msgid)) and not re.search(r"[A-Za-z]", msgid)


def fill(po: str, dictionaries: list[str], needs: object, prefix: str) -> None:
    po_fill.PO = Path(po)
    sys.argv[1:] = dictionaries
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        po_fill.main()
    for line in out.getvalue().splitlines():
        msgid = line.removeprefix("untranslated: ")
        if needs(msgid):
            print(f"{prefix}{msgid}")


fill("locale/zh_Hans/LC_MESSAGES/django.po", sys.argv[1:], lambda m: not chinese(m), "untranslated: ")
fill("locale/en/LC_MESSAGES/django.po", ["locale/en/chinese.json"], chinese, "untranslated (en): ")
EOF
.venv/bin/python manage.py compilemessages -l zh_Hans -l en --ignore=.venv --ignore=node_modules >/dev/null
