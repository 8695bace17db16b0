#!/usr/bin/env bash
# The benchmark: a generated province (or, with BENCH_SCALE=smoke, one county) in a dedicated
# PostgreSQL database, then the five measurements (bench/measure.py) written as Markdown.
#   make bench                      # full scale: --orgs 200000 --people 2000000 → bench/RESULTS.md
#   BENCH_SCALE=smoke make bench    # one county (CI) → bench/out/RESULTS-smoke.md
# Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/dyfz_bench[_smoke]),
# BENCH_ORGS / BENCH_PEOPLE / BENCH_SEED to override the size, BENCH_PORT (8106), BENCH_REDIS_URL.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
SCALE="${BENCH_SCALE:-full}"
case "$SCALE" in
  smoke) ORGS=${BENCH_ORGS:-300};    PEOPLE=${BENCH_PEOPLE:-3000};    DB=dyfz_bench_smoke
         OUT=bench/out/RESULTS-smoke.md; MEASURE_ARGS=(--runs 3 --wrk-runs 1 --seconds 3 --import-rows 1000) ;;
  full)  ORGS=${BENCH_ORGS:-200000}; PEOPLE=${BENCH_PEOPLE:-2000000}; DB=dyfz_bench
         OUT=bench/RESULTS.md;          MEASURE_ARGS=(--runs 5 --wrk-runs 3 --seconds 10) ;;
  *) echo "BENCH_SCALE 应为 smoke 或 full，当前：$SCALE" >&2; exit 2 ;;
esac
export DATABASE_URL="${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/$DB}"
export DJANGO_SETTINGS_MODULE=config.settings.local DJANGO_DEBUG=false
export DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost"
# Redis for the cache when it answers (as in production); otherwise the local-memory cache.
if [ -n "${BENCH_REDIS_URL:-}" ]; then export REDIS_URL="$BENCH_REDIS_URL"
elif $PY -c "import socket; s=socket.create_connection(('127.0.0.1', 6379), 1)" 2>/dev/null; then export REDIS_URL=redis://127.0.0.1:6379/6
else unset REDIS_URL || true; fi

# wrk from Debian (load generator for the page measurements)
if ! command -v wrk >/dev/null 2>&1; then
  echo "Installing wrk from Debian packages"
  if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null
fi

# the dedicated database
$PY - <<'PY'
import os, urllib.parse, psycopg2
u = urllib.parse.urlparse(os.environ["DATABASE_URL"])
name = u.path.lstrip("/")
conn = psycopg2.connect(dbname="postgres", user=u.username, password=u.password, host=u.hostname, port=u.port or 5432)
conn.autocommit = True
cur = conn.cursor()
cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
if not cur.fetchone():
    cur.execute(f'CREATE DATABASE "{name}"')
    print(f"created database {name}")
PY
$PY manage.py migrate --noinput -v 0
# Generates unless the database already holds a province with these parameters (any generation date).
$PY manage.py generate_scale --orgs "$ORGS" --people "$PEOPLE" --seed "${BENCH_SEED:-1}" --keep-date
$PY bench/measure.py --scale "$SCALE" --out "$OUT" --port "${BENCH_PORT:-8106}" "${MEASURE_ARGS[@]}"
