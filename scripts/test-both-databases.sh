#!/usr/bin/env bash
# The test suite on both databases, run by `make test`.
#
# With DATABASE_URL pointing at PostgreSQL (CI), the suite runs twice at once: on PostgreSQL,
# the production database, and on SQLite, the demo's (`make run`), so both sides of every
# database fork run (docs/architecture.md). The SQLite pass runs the tests that use the test
# database (SECOND_DATABASE_PASS=1, conftest.py): the others give the same answer on either,
# and the fault tests start their own PostgreSQL. It uses the next Redis database, so neither
# pass clears the other's cache. Without PostgreSQL the suite runs once, on SQLite,
# and the PostgreSQL-only tests skip. Extra arguments go to both pytest runs.
set -uo pipefail
cd "$(dirname "$0")/.."
PYTEST="${PYTEST:-.venv/bin/pytest}"

case "${DATABASE_URL:-}" in
  postgres*) ;;
  *) exec "$PYTEST" "$@" ;;
esac

logs=.venv/test-logs
mkdir -p "$logs"
sqlite_redis=""
if [ -n "${REDIS_URL:-}" ]; then
  base="${REDIS_URL%/*}"
  number="${REDIS_URL##*/}"
  sqlite_redis="$base/$(( ${number:-0} + 1 ))"
fi

started=$(date +%s)
"$PYTEST" "$@" >"$logs/postgresql.log" 2>&1 &
postgresql=$!
env -u DATABASE_URL REDIS_URL="$sqlite_redis" SECOND_DATABASE_PASS=1 "$PYTEST" "$@" \
  >"$logs/sqlite.log" 2>&1 &
sqlite=$!
wait "$postgresql"; postgresql_status=$?
wait "$sqlite"; sqlite_status=$?

echo "===== PostgreSQL pass (exit $postgresql_status) ====="
cat "$logs/postgresql.log"
echo "===== SQLite pass (exit $sqlite_status) ====="
cat "$logs/sqlite.log"
echo "===== both passes: $(( $(date +%s) - started )) s; PostgreSQL exit $postgresql_status, SQLite exit $sqlite_status ====="
[ "$postgresql_status" -eq 0 ] && [ "$sqlite_status" -eq 0 ]
