#!/bin/sh
# The consul-acl-init job of docker-compose.yml: creates the policies of deploy/consul/acl/*.json
# and one token per app, the config writer's, the read-only one and the agents', each with the
# secret ID deploy/generate-secrets.sh wrote, so every container knows its token before Consul does.
# Safe to run again: a policy that exists is updated from its file, a token that exists is kept.
# Runs with the management token (CONSUL_HTTP_TOKEN_FILE) against CONSUL_HTTP_ADDR.
set -eu

secrets=/run/secrets

for file in /consul/acl/*.json; do
  name=$(basename "$file" .json)
  if consul acl policy read -name "$name" >/dev/null 2>&1; then
    consul acl policy update -name "$name" -rules "@$file" >/dev/null
    echo "updated policy $name"
  else
    consul acl policy create -name "$name" -rules "@$file" >/dev/null
    echo "created policy $name"
  fi
done

# token <secret file> <description> <consul acl token create options...>
token() {
  file="$secrets/$1"
  description=$2
  shift 2
  # A token that already exists can read itself; the secret alone says whether it does.
  if consul acl token read -self -token-file "$file" >/dev/null 2>&1; then
    echo "kept    token $description"
  else
    consul acl token create -secret "$(cat "$file")" -description "$description" "$@" >/dev/null
    echo "created token $description"
  fi
}

# An app's token registers its own service name only, reads the catalog and config/.
for app in auth-service product-service inventory-service order-service gateway dashboard; do
  token "consul-token-$app" "$app" -service-identity "$app" -policy-name config-read
done
token consul-config-writer-token "config writer" -policy-name config-write
token consul-read-only-token "read-only" -policy-name read-only
token consul-agent-token "agent" -policy-name agent

# Without a token one may read the catalog (Consul DNS and consul-template rely on that) and nothing else.
consul acl token update -id 00000000-0000-0000-0000-000000000002 -policy-name catalog-read >/dev/null
echo "anonymous token reads the catalog"
