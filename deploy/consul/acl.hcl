# ACLs of every Consul agent in docker-compose.yml (the dev agent, the consul-cluster servers and
# client agent): nothing is allowed without a token. The initial management token and the agent's
# own token come from the Docker secret consul-acl-tokens, written by deploy/generate-secrets.sh.
acl {
  enabled                  = true
  default_policy           = "deny"
  # Tokens set through the API (consul acl set-agent-token) survive a restart of the agent.
  enable_token_persistence = true
}
