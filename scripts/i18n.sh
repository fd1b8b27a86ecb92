#!/usr/bin/env bash
# Refresh the zh_Hans catalogue: collect messages, fill them from the JSON dictionaries given
# (default: every var/i18n/*.json), compile. Serialised with a lock so that parallel work on
# several apps never writes the .po at the same time.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var/i18n
exec 9>var/i18n.lock
flock 9
if [ "$#" -eq 0 ]; then set -- var/i18n/*.json; fi
[ -e "$1" ] || set --
.venv/bin/python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=node_modules --no-location >/dev/null
.venv/bin/python scripts/po_fill.py "$@" || true
.venv/bin/python manage.py compilemessages -l zh_Hans >/dev/null
