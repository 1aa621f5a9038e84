#!/bin/sh
# Writes every secret the stack reads, with fresh random values, into one folder:
#
#   sh deploy/generate-secrets.sh                          # deploy/secrets, for docker compose
#   sh deploy/generate-secrets.sh k8s/base/secrets         # for kubectl apply -k k8s/overlays/<dev|prod>
#
# A file that already exists is kept, so running it again never rotates a password that a database
# was initialised with. The folder's *.example files show the format of each secret; the real files
# are git-ignored. The same set works for compose and Kubernetes: both name the servers postgres and redis.
set -eu

dir="${1:-$(dirname "$0")/secrets}"
mkdir -p "$dir"
# Only the owner may list the folder; the files themselves stay readable (0644) because the
# container users (postgres, node) that read them through bind mounts are not the owner.
chmod 700 "$dir"
umask 022

command -v openssl >/dev/null 2>&1 || { echo "generate-secrets.sh: openssl is required" >&2; exit 1; }

random() {
  openssl rand -hex 24
}

write() {
  if [ -e "$dir/$1" ]; then
    echo "kept    $dir/$1"
  else
    printf '%s\n' "$2" > "$dir/$1"
    echo "wrote   $dir/$1"
  fi
}

write postgres-password "$(random)"
# One database and one role per service; deploy/postgres/init.sh creates them from these URLs.
write auth-service-database-url "postgres://auth:$(random)@postgres:5432/auth"
write product-service-database-url "postgres://product:$(random)@postgres:5432/product"
write inventory-service-database-url "postgres://inventory:$(random)@postgres:5432/inventory"
write order-service-database-url "postgres://orders:$(random)@postgres:5432/orders"
write redis-url "redis://:$(random)@redis:6379"
write admin-password "$(random)"
write admin-token "$(random)"
# The Eureka server of the compose profile eureka asks it (user eureka); the services send it.
write eureka-password "$(random)"

if [ -e "$dir/jwt-private-key" ]; then
  echo "kept    $dir/jwt-private-key"
else
  # ES256 signing key of auth-service: PKCS8 PEM on curve P-256.
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/jwt-private-key" 2>/dev/null
  chmod 644 "$dir/jwt-private-key"
  echo "wrote   $dir/jwt-private-key"
fi

# Services trust the public half, never a key set found through discovery.
if [ -e "$dir/jwt-public-keys" ]; then
  echo "kept    $dir/jwt-public-keys"
else
  openssl pkey -in "$dir/jwt-private-key" -pubout -out "$dir/jwt-public-keys"
  echo "wrote   $dir/jwt-public-keys"
fi

# Client secrets of the services that call others: they get their service tokens from auth-service
# with these, and auth-service knows each of them (service-client-secrets).
write inventory-service-client-secret "$(random)"
write order-service-client-secret "$(random)"
write service-client-secrets "$(printf '{"inventory-service":"%s","order-service":"%s"}' \
  "$(cat "$dir/inventory-service-client-secret")" "$(cat "$dir/order-service-client-secret")")"

# Consul ACL tokens (docker-compose.yml): secret IDs must be UUIDs. deploy/consul/acl-init.sh
# creates a token with each; every container reads only its own.
uuid() {
  openssl rand -hex 16 | sed 's/^\(.\{8\}\)\(.\{4\}\)\(.\{4\}\)\(.\{4\}\)/\1-\2-\3-\4-/'
}
for name in management agent config-writer read-only; do
  write "consul-$name-token" "$(uuid)"
done
for app in auth-service product-service inventory-service order-service gateway dashboard; do
  write "consul-token-$app" "$(uuid)"
done
# The agents' own settings file (HCL), holding the two tokens every Consul agent starts with.
write consul-acl-tokens "$(printf 'acl {\n  tokens {\n    initial_management = "%s"\n    agent = "%s"\n  }\n}' \
  "$(cat "$dir/consul-management-token")" "$(cat "$dir/consul-agent-token")")"
