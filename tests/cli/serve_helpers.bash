# Shared by the suites that run irctl serve: start it on a free port of
# 127.0.0.1 in the current repository, post to it, read its log, stop it.
# Load after helpers.bash; call stop_serve in teardown (it does nothing when
# the server is not running).

# start_serve [FLAG...]: starts `irctl serve --listen 127.0.0.1:0 FLAG...`
# with its log in $SERVE_LOG (text or JSON); sets SERVE_PID and SERVE_URL once it listens.
start_serve() {
  SERVE_LOG="$TEST_DIR/serve.log"
  : >"$SERVE_LOG"
  irctl serve --listen 127.0.0.1:0 "$@" 2>>"$SERVE_LOG" &
  SERVE_PID=$!
  local port="" _
  for _ in $(seq 100); do
    port=$(sed -n -e 's/.* listening address=127\.0\.0\.1:\([0-9]*\) .*/\1/p' \
      -e '/"event":"listening"/s/.*"address":"127\.0\.0\.1:\([0-9]*\)".*/\1/p' "$SERVE_LOG")
    [ -n "$port" ] && break
    if ! kill -0 "$SERVE_PID" 2>/dev/null; then
      echo "irctl serve did not start:" >&2
      cat "$SERVE_LOG" >&2
      SERVE_PID=""
      return 1
    fi
    sleep 0.1
  done
  [ -n "$port" ] || { echo "irctl serve did not listen within 10 s" >&2; return 1; }
  SERVE_URL="http://127.0.0.1:$port"
}

# stop_serve [SIGNAL]: stops the server (SIGTERM by default) and waits for
# it; SERVE_STATUS is its exit status.
stop_serve() {
  SERVE_STATUS=""
  [ -n "${SERVE_PID:-}" ] || return 0
  kill "-${1:-TERM}" "$SERVE_PID" 2>/dev/null || true
  wait "$SERVE_PID" && SERVE_STATUS=0 || SERVE_STATUS=$?
  SERVE_PID=""
}

# token_file NAME TOKEN: a token file only its owner may read, in
# $TEST_DIR/NAME.tokens; prints its path.
token_file() {
  local file="$TEST_DIR/$1.tokens"
  printf '%s %s\n' "$1" "$2" >"$file"
  chmod 600 "$file"
  echo "$file"
}

# post PATH BODY_FILE [CURL_ARG...]: POSTs the file to the server; sets
# HTTP_STATUS and HTTP_BODY (curl's own failure is status 000).
post() {
  local path=$1 body=$2
  shift 2
  local out="$TEST_DIR/response.$$"
  HTTP_STATUS=$(curl -s -o "$out" -w '%{http_code}' --data-binary "@$body" -H 'Content-Type: application/json' "$@" \
    "$SERVE_URL$path") || true
  HTTP_BODY=$(cat "$out" 2>/dev/null || true)
  rm -f "$out"
}

# wait_for_log PATTERN [COUNT]: waits (10 s at most) until COUNT lines of
# the server's log (1 by default) match the extended regular expression.
wait_for_log() {
  local want=${2:-1} _
  for _ in $(seq 200); do
    [ "$(grep -cE -- "$1" "$SERVE_LOG" || true)" -ge "$want" ] && return 0
    sleep 0.05
  done
  echo "the log has not $want line(s) matching '$1' after 10 s:" >&2
  cat "$SERVE_LOG" >&2
  return 1
}
