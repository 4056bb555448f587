#!/usr/bin/env bash
# Create the virtual environment. Debian ships Python without ensurepip unless python3-venv is
# installed; then make the venv without pip and fetch pip itself, so `make run` still works.
set -euo pipefail
python="${1:-python3}"
venv="${2:-.venv}"
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -m pip --version >/dev/null 2>&1; then
  exit 0
fi
if [ -z "$python" ] || ! "$python" -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null; then
  echo "parindex needs Python 3.11 (python3.11 or python3 on PATH)." >&2
  exit 1
fi
if ! "$python" -m venv "$venv" 2>/dev/null; then
  echo "python -m venv has no pip here (Debian without python3-venv); bootstrapping pip." >&2
  rm -rf "$venv"
  "$python" -m venv --without-pip "$venv"
  "$venv/bin/python" - <<'PY'
import urllib.request
exec(urllib.request.urlopen("https://bootstrap.pypa.io/get-pip.py", timeout=120).read())
PY
fi
