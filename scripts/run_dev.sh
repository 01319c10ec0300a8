#!/usr/bin/env bash
# What `make run` calls after setup: migrate, sync the exercise catalog, seed the demo accounts, then run the web server
# and a Celery worker together until Ctrl-C, which stops both.
#
# Defaults need no servers: SQLite in var/ and Celery's SQLAlchemy transport on
# var/celery-broker.sqlite3. Set DATABASE_URL / REDIS_URL to use PostgreSQL / Redis instead.
# PORT (default 8000), DEMO_PASSWORD (random when unset), THERAPOSE_WORKER_CONCURRENCY (or
# WORKER_CONCURRENCY, default 1); the worker runs at THERAPOSE_WORKER_NICE (config/celery_app.py).
set -euo pipefail
cd "$(dirname "$0")/.."

PY="${PYTHON:-.venv/bin/python}"
PORT="${PORT:-8000}"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.local}"
export PYTHONUNBUFFERED=1
mkdir -p var

"$PY" manage.py migrate --noinput -v 0
"$PY" manage.py sync_catalog -v 0
"$PY" manage.py sync_routine_templates -v 0
if [[ -n "${DEMO_PASSWORD:-}" ]]; then
  logins="$("$PY" manage.py seed_demo --password "$DEMO_PASSWORD")"
else
  logins="$("$PY" manage.py seed_demo)"
fi

pids=()
stop() {
  trap - INT TERM EXIT
  echo
  echo "Stopping web and worker..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop INT TERM EXIT

# -B: the worker also runs the periodic sweep (beat) that re-queues stuck sessions.
"$PY" -m celery -A config worker -B --schedule var/celerybeat-schedule \
  -Q pose,default -c "${THERAPOSE_WORKER_CONCURRENCY:-${WORKER_CONCURRENCY:-1}}" --pool prefork \
  -l warning --without-gossip --without-mingle --without-heartbeat -n "dev@%h" \
  > var/worker.log 2>&1 &
pids+=($!)
"$PY" manage.py runserver "127.0.0.1:$PORT" --noreload &
pids+=($!)

# Wait for the web server to answer before printing where it is.
for _ in $(seq 1 100); do
  if "$PY" - "$PORT" <<'PYEOF' 2>/dev/null; then break; fi
import sys, urllib.request, urllib.error
try:
    urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/healthz", timeout=1)
except urllib.error.HTTPError:
    pass  # 503 still means the server answers
PYEOF
  sleep 0.2
done

cat <<MSG

  Therapose is running at http://127.0.0.1:$PORT
    API docs:  http://127.0.0.1:$PORT/api/docs/
    Admin:     http://127.0.0.1:$PORT/admin/
    Demo logins:
$(sed 's/^/      /' <<<"$logins")
    Worker log: var/worker.log      Press Ctrl-C to stop web and worker.

MSG

# Exit (and stop the other) as soon as either process ends.
wait -n "${pids[@]}"
