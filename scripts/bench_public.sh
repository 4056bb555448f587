#!/usr/bin/env bash
# Speed of the public portal (not a test: figures to read; README, "Speed of the public portal").
#
#   scripts/bench_public.sh
#
# 1. creates the PostgreSQL database $BENCH_DB (dropped first: never point it at real data)
#    with the province of scripts/bench_scoring.py — 657 units × 100 sub-criteria — and
#    publishes 2025 and 2026 (scripts/bench_public.py build);
# 2. starts gunicorn with the production settings (2 × cores + 1 workers, 127.0.0.1 only, a
#    free port), Redis as the cache (keys under a prefix of this run), WhiteNoise for static;
# 3. reads the public URLs from the server's pages (loadtests/locustfile.py HOST), which
#    also warms the cache, then runs Locust headless and bounded: $USERS anonymous readers
#    (PublicReader, started at $SPAWN_RATE a second) for $DURATION, then the raw limit —
#    RawClient, /healthz without pause — with the same users for $RAW_DURATION;
# 4. prints p50/p95/p99, requests/s and errors of both, and exits 1 if the readers miss
#    p95 ≤ $TARGET_P95_MS ms or had an error;
# 5. stops gunicorn, deletes this run's cache keys and the database ($KEEP_DB=1 keeps it;
#    BUILD=0 then reuses it).
#
# PUBLIC_START (default "/,/api/v1/periods": the API has no root document) names where the readers begin reading links.
#
# Needs PostgreSQL and Redis on 127.0.0.1 (as CI starts them). Output in $OUT (var/bench-public).
set -euo pipefail
cd "$(dirname "$0")/.."

PG=${PG:-postgres://postgres@127.0.0.1:5432}
BENCH_DB=${BENCH_DB:-parindex_bench_public}
REDIS=${REDIS:-redis://127.0.0.1:6379/13}
USERS=${USERS:-200}
SPAWN_RATE=${SPAWN_RATE:-50}
DURATION=${DURATION:-60s}
RAW_DURATION=${RAW_DURATION:-30s}
TARGET_P95_MS=${TARGET_P95_MS:-200}
OUT=${OUT:-var/bench-public}
BIN=.venv/bin
CORES=$(nproc)
WORKERS=${WORKERS:-$((2 * CORES + 1))}
PORT=$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
PREFIX="bench-public-$$"
WORK=$(mktemp -d /tmp/parindex-bench-public.XXXXXX)
GUNICORN_PID=""

export DATABASE_URL="$PG/$BENCH_DB"
export CACHE_URL="$REDIS?key_prefix=$PREFIX"
# Publishing queues the published documents' rendering; the bench keeps no worker, so the
# tasks go to a broker in this process's memory and are dropped with it.
export CELERY_BROKER_URL="memory://"
export CELERY_TASK_ALWAYS_EAGER=0

stop() {
  if [ -n "$GUNICORN_PID" ] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
    kill -TERM "$GUNICORN_PID"
    for _ in $(seq 1 30); do kill -0 "$GUNICORN_PID" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$GUNICORN_PID" 2>/dev/null && kill -KILL "$GUNICORN_PID"
  fi
  "$BIN/python" scripts/bench_public.py forget "$REDIS" "$PREFIX" || true
  if [ "${KEEP_DB:-0}" != 1 ]; then
    "$BIN/python" -c "import psycopg; psycopg.connect('$PG/postgres', autocommit=True).execute('DROP DATABASE IF EXISTS \"$BENCH_DB\"')" || true
  fi
  rm -rf "$WORK"
}
trap stop EXIT

echo "== machine: $CORES cores, $(free -g | awk '/^Mem/ {print $2}') GB; $(psql --version 2>/dev/null || echo PostgreSQL); gunicorn $WORKERS workers"
echo "== 1/5 the province, published"
if [ "${BUILD:-1}" = 1 ]; then
  timeout 1200 "$BIN/python" scripts/bench_public.py build
else
  echo "kept from the last run (BUILD=0)"
fi

echo "== 2/5 gunicorn on 127.0.0.1:$PORT (production settings)"
export DJANGO_SETTINGS_MODULE=${BENCH_SETTINGS:-parindex.settings.prod}
export SECRET_KEY="bench-only-$(head -c 24 /dev/urandom | base64)"
export ALLOWED_HOSTS=127.0.0.1
export SECURE_SSL_REDIRECT=0
export STATIC_ROOT="$WORK/static"
export MEDIA_ROOT="$WORK/media"
export LOG_LEVEL=WARNING
"$BIN/python" manage.py collectstatic --noinput -v 0
"$BIN/gunicorn" parindex.wsgi:application --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
  --timeout 30 --graceful-timeout 5 --log-level warning >"$WORK/gunicorn.log" 2>&1 &
GUNICORN_PID=$!
for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  kill -0 "$GUNICORN_PID" 2>/dev/null || { cat "$WORK/gunicorn.log"; exit 1; }
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null

mkdir -p "$OUT"
locust() {
  # Bounded in users and time; --stop-timeout lets the last requests finish.
  timeout 600 "$BIN/locust" -f loadtests/locustfile.py --headless --only-summary \
    -u "$USERS" -r "$SPAWN_RATE" --stop-timeout 5 --host "http://127.0.0.1:$PORT" \
    --loglevel WARNING "$@"
}
echo "== 3/5 the public URLs, read from the server's pages (which warms the cache)"
started=$(date +%s)
PUBLIC_CRAWL_SECONDS=${PUBLIC_CRAWL_SECONDS:-240} timeout 300 \
  "$BIN/python" loadtests/locustfile.py "http://127.0.0.1:$PORT" >"$OUT/urls.json"
"$BIN/python" -c "import json, sys; urls = json.load(open(sys.argv[1])); print(', '.join(f'{k} {len(v)}' for k, v in urls.items()), 'URLs in', sys.argv[2], 's')" \
  "$OUT/urls.json" "$(($(date +%s) - started))"
echo "== 4/5 $USERS anonymous readers for $DURATION"
PUBLIC_URLS="$OUT/urls.json" locust -t "$DURATION" --csv "$OUT/readers" PublicReader \
  >"$OUT/readers.log" 2>&1 || true
echo "== 5/5 the raw limit: /healthz without pause, $USERS clients for $RAW_DURATION"
locust -t "$RAW_DURATION" --csv "$OUT/raw" RawClient >"$OUT/raw.log" 2>&1 || true

echo "== figures (response times in ms; Locust's own logs in $OUT/)"
TARGET_P95_MS=$TARGET_P95_MS "$BIN/python" scripts/bench_public.py summary \
  "$OUT/readers_stats.csv" "$OUT/raw_stats.csv"
