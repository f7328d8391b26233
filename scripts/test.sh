#!/usr/bin/env bash
# Install everything the tests need (Debian's Chromium and PostgreSQL included) and run every test.
# Usage: bash scripts/test.sh [extra pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  if [[ " ${missing[*]} " == *" postgresql "* ]]; then
    # no default cluster running on port 5432 after the install: the tests start their own (below)
    $SUDO mkdir -p /etc/postgresql-common/createcluster.d
    echo "create_main_cluster = false" | $SUDO tee /etc/postgresql-common/createcluster.d/readiness-tests.conf >/dev/null
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
python3 -m pip install -q --disable-pip-version-check -e ".[test]"
python3 -m ruff check readiness_widgets tests benchmarks
lint-imports --config pyproject.toml   # the layers: nothing imports upward (contracts in pyproject.toml)

# A throwaway PostgreSQL cluster for the store tests: a temporary folder, a Unix socket in it, no
# TCP port; stopped and removed at the end. initdb refuses to run as root: then it runs as postgres.
PG_BIN="$(dirname "$(ls -d /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -n 1)")"
PG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/readiness-pg.XXXXXX")"
AS=()
if [ "$(id -u)" -eq 0 ]; then chown postgres: "$PG_DIR"; AS=(runuser -u postgres --); fi
stop_postgres() {
  "${AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
trap stop_postgres EXIT
"${AS[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --no-locale >/dev/null
"${AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w start \
  -o "-k $PG_DIR -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100" >/dev/null
export READINESS_TEST_POSTGRES="postgresql+psycopg://postgres@/postgres?host=$PG_DIR"

python3 -m pytest "$@"
