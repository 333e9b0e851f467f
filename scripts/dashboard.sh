#!/usr/bin/env bash
# Install Geowire into .venv and start the dashboard on the shipped sample corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
# The project itself, editable, for the `geowire` command (its dependencies are the pinned set above).
.venv/bin/pip install --quiet --disable-pip-version-check --no-deps -e .
# PNG, SVG and PDF chart downloads are drawn by Debian's chromium (HTML downloads need nothing).
if ! command -v chromium >/dev/null; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core >/dev/null
  else
    echo "note: PNG, SVG and PDF chart downloads need chromium: sudo apt-get install chromium fonts-noto-core" >&2
  fi
fi
exec .venv/bin/python serve.py "$@"
