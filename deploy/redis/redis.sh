#!/bin/sh
# Runs Redis, or pings it for a health check, with the password and port taken from the URL the
# services use (one source of truth). The password goes into a private config file, not onto the
# command line where `ps` would show it.
#
#   redis.sh server | redis.sh ping        REDIS_URL_FILE (default /run/secrets/redis-url)
set -eu

url=$(tr -d '\r\n' < "${REDIS_URL_FILE:-/run/secrets/redis-url}")
# redis://:PASSWORD@HOST:PORT
password="${url#*://:}"
password="${password%%@*}"
port="${url##*:}"
port="${port%%/*}"

case "${1:-server}" in
  server)
    umask 077
    config="${TMPDIR:-/tmp}/redis.conf"
    # A cache only: nothing is written to disk.
    printf 'port %s\nrequirepass "%s"\nsave ""\nappendonly no\n' "$port" "$password" > "$config"
    exec redis-server "$config"
    ;;
  ping)
    REDISCLI_AUTH="$password" redis-cli -p "$port" ping | grep -q PONG
    ;;
  *)
    echo "usage: redis.sh server|ping" >&2
    exit 2
    ;;
esac
