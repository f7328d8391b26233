#!/usr/bin/env bash
# Install everything the tests need (Debian's Chromium included) and run every test.
# Usage: bash scripts/test.sh [extra pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
python3 -m pip install -q --disable-pip-version-check -e ".[test]"
python3 -m ruff check readiness_widgets tests benchmarks
lint-imports --config pyproject.toml   # the layers: nothing imports upward (contracts in pyproject.toml)
python3 -m pytest "$@"
