#!/usr/bin/env bash
# Install everything the tests need (Python packages into .venv, Debian's chromium and fonts for
# the browser tests, Debian's PostgreSQL server for the team-store tests) and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v chromium >/dev/null || need+=(chromium)
# Arabic, Persian and Hebrew must render in the browser tests' screenshots.
dpkg -s fonts-noto-core >/dev/null 2>&1 || need+=(fonts-noto-core)
# The PostgreSQL tests start a throwaway cluster of Debian's server (tests/postgres_server.py; as
# root, through runuser and the postgres account the package makes). With CI=true they fail
# rather than skip when it is missing.
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need[@]}" >/dev/null
fi
python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
.venv/bin/pip install --quiet --disable-pip-version-check --no-deps -e .
# One worker per core; the tests of a module stay together on one worker, so its module-scoped
# fixtures (a dashboard server, a browser, a built store) are made once. "-n 0" runs in one process.
exec .venv/bin/python -m pytest -n auto --dist loadscope "$@"
