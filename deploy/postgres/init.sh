#!/bin/sh
# Creates one database and one login role per service, the first time Postgres starts on an empty
# data directory (the official image runs /docker-entrypoint-initdb.d/* then; Kubernetes runs the same
# file from a ConfigMap). Each service's DATABASE_URL secret is the only source of its database name,
# user and password, so the server and the service cannot disagree about them.
#
#   SERVICE_DATABASE_URLS_DIR  folder holding one <service>-database-url file per service
#                              (default /run/secrets, where Docker and the Kubernetes manifests mount them)
set -eu

dir="${SERVICE_DATABASE_URLS_DIR:-/run/secrets}"
found=0

for file in "$dir"/*-database-url; do
  [ -f "$file" ] || continue
  found=$((found + 1))
  # postgres://USER:PASSWORD@HOST:PORT/DATABASE?OPTIONS
  url=$(tr -d '\r\n' < "$file")
  rest="${url#*://}"
  credentials="${rest%%@*}"
  user="${credentials%%:*}"
  password="${credentials#*:}"
  database="${rest#*/}"
  database="${database%%\?*}"

  # Plain names and URL-safe passwords only: nothing here needs quoting or percent-decoding.
  for name in "$user" "$database"; do
    if ! printf '%s' "$name" | grep -Eq '^[a-z_][a-z0-9_]{0,62}$'; then
      echo "init.sh: ${file##*/}: user and database must be lower-case identifiers" >&2
      exit 1
    fi
  done
  if ! printf '%s' "$password" | grep -Eq '^[A-Za-z0-9._~-]{16,}$'; then
    echo "init.sh: ${file##*/}: the password must be at least 16 URL-safe characters (A-Z a-z 0-9 . _ ~ -)" >&2
    exit 1
  fi

  echo "init.sh: database ${database} owned by ${user}"
  psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
    -v user="$user" -v password="$password" -v database="$database" <<'SQL'
CREATE ROLE :"user" LOGIN PASSWORD :'password';
CREATE DATABASE :"database" OWNER :"user";
-- Database per service: no other role may even connect.
REVOKE ALL ON DATABASE :"database" FROM PUBLIC;
SQL
done

if [ "$found" -eq 0 ]; then
  echo "init.sh: no *-database-url file in $dir" >&2
  exit 1
fi
