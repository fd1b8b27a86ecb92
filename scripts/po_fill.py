#!/usr/bin/env python3
"""Fill empty msgstr entries of locale/zh_Hans/LC_MESSAGES/django.po from a JSON dictionary.

    python scripts/po_fill.py a.json [b.json ...]     # {"English msgid": "中文", ...}

makemessages keeps what is already translated; this fills the new entries and reports the
ones still missing, so a change that adds UI text can be checked for untranslated strings.
"""

import json
import re
import sys
from pathlib import Path

PO = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def unquote(block: str) -> str:
    return "".join(json.loads(s) for s in re.findall(r'"(?:[^"\\]|\\.)*"', block))


def quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def main() -> int:
    table = {}
    for name in sys.argv[1:]:  # several dictionaries: one per app being translated
        table.update(json.loads(Path(name).read_text()))
    text = PO.read_text()
    entries = text.split("\n\n")
    missing = []
    out = []
    for entry in entries:
        m = re.search(r'^msgid ((?:".*"\n?)+)msgstr ((?:".*"\n?)+)', entry, re.M)
        if not m or "msgid_plural" in entry:
            out.append(entry)
            continue
        msgid = unquote(m.group(1))
        msgstr = unquote(m.group(2))
        if msgid and (not msgstr or "#, fuzzy" in entry):
            if msgid in table:
                entry = entry.replace("#, fuzzy\n", "").replace(", fuzzy", "")
                entry = entry[: entry.index("msgstr ")] + f"msgstr {quote(table[msgid])}"
            else:
                missing.append(msgid)
        out.append(entry)
    PO.write_text("\n\n".join(out))
    for msgid in missing:
        print(f"untranslated: {msgid}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
