# Sourced by fuzz/run and clients/typescript/run: `start_sample_service BIN PORT` runs the
# service on a fresh database with the curated dataset and the rate limits off, makes an
# admin key, waits until it is ready, and stops it when the calling script exits.
# The database is a new SQLite file, or with SAMPLE_BACKEND=postgres a new PostgreSQL
# database on the server SAMPLE_PG_URL names (default postgres://postgres@127.0.0.1:5432),
# dropped again at exit. Sets SAMPLE_URL, SAMPLE_KEY and SAMPLE_LOG (the server's JSON log).
start_sample_service() {
  local bin="$1" port="$2" work
  work="$(mktemp -d)"
  SAMPLE_PG_DB=""
  case "${SAMPLE_BACKEND:-sqlite}" in
    sqlite) export DATABASE_URL="sqlite://$work/sample.sqlite?mode=rwc" ;;
    postgres)
      SAMPLE_PG_URL="${SAMPLE_PG_URL:-postgres://postgres@127.0.0.1:5432}"
      SAMPLE_PG_DB="mizan_sample_$$"
      psql "$SAMPLE_PG_URL/postgres" -qc "DROP DATABASE IF EXISTS $SAMPLE_PG_DB" -c "CREATE DATABASE $SAMPLE_PG_DB"
      export DATABASE_URL="$SAMPLE_PG_URL/$SAMPLE_PG_DB"
      ;;
    *) echo "SAMPLE_BACKEND must be sqlite or postgres" >&2; return 1 ;;
  esac
  export MIZAN_DATA_DIR="$PWD/data"
  export MIZAN_BIND="127.0.0.1:$port"
  export MIZAN_PUBLIC_URL="http://127.0.0.1:$port"
  export MIZAN_RATE_LIMIT_ANONYMOUS=0
  export MIZAN_RATE_LIMIT_KEY=0
  export MIZAN_LOG="${MIZAN_LOG:-info,sqlx=warn}"
  export MIZAN_LOG_FORMAT=json
  SAMPLE_URL="http://127.0.0.1:$port"
  SAMPLE_LOG="$work/server.log"
  "$bin" migrate >/dev/null 2>&1
  SAMPLE_KEY="$("$bin" keys create --name sample --role admin 2>/dev/null | awk '/^key:/ {print $2}')"
  "$bin" serve >"$SAMPLE_LOG" 2>&1 &
  SAMPLE_PID=$!
  trap 'stop_sample_service' EXIT
  for _ in $(seq 1 60); do
    curl -fsS "$SAMPLE_URL/health/ready" >/dev/null 2>&1 && return 0
    sleep 1
  done
  echo "the service did not become ready; its log:" >&2
  cat "$SAMPLE_LOG" >&2
  return 1
}

stop_sample_service() {
  kill "$SAMPLE_PID" 2>/dev/null
  wait "$SAMPLE_PID" 2>/dev/null || true
  if [ -n "$SAMPLE_PG_DB" ]; then
    psql "$SAMPLE_PG_URL/postgres" -qc "DROP DATABASE IF EXISTS $SAMPLE_PG_DB WITH (FORCE)" || true
  fi
}
