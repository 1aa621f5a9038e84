import type { StackState } from './stack-state';

/**
 * The variables a second shell needs to use the running stack, by the names each tool reads: the
 * services' and config CLI's (DISCOVERY_BACKEND, CONSUL_URL, CONSUL_TOKEN, ETCD_ENDPOINTS...),
 * Consul's own tools' (CONSUL_HTTP_ADDR, CONSUL_HTTP_TOKEN), the walk-through's GW, and where the
 * admin token is. `npm start` prints them as `export` lines; the tools read them from the state.
 */
export function stackVariables(state: StackState): Record<string, string> {
  const variables: Record<string, string> = { ...state.registry.env };
  if (state.registry.backend === 'consul') variables.CONSUL_HTTP_ADDR = state.registry.address;
  // A eureka stack's live configuration is in the Consul KV beside it: Consul's tools reach it there.
  if (state.registry.backend === 'eureka' && state.registry.env.EUREKA_CONFIG_KV_URL !== undefined)
    variables.CONSUL_HTTP_ADDR = state.registry.env.EUREKA_CONFIG_KV_URL;
  if (state.registry.token !== undefined) {
    variables.CONSUL_HTTP_TOKEN = state.registry.token;
    variables.CONSUL_TOKEN ??= state.registry.token;
  }
  if (state.registry.dnsPort !== undefined) variables.CONSUL_DNS_PORT = String(state.registry.dnsPort);
  variables.GW = state.gatewayUrl;
  if (state.dashboardUrl !== undefined) variables.DASHBOARD_URL = state.dashboardUrl;
  variables.ADMIN_TOKEN_FILE = state.adminTokenFile;
  return variables;
}

/**
 * A tool's environment over the stack's variables: what the shell sets wins (a person pointing a
 * tool at another registry means it); an empty value counts as unset, as in the services.
 */
export function environmentOver(state: StackState | undefined, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (state === undefined) return env;
  const given = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  return { ...stackVariables(state), ...given };
}

/** `export NAME='value'` lines for a POSIX shell, single-quoted so that nothing in a value expands. */
export function exportLines(variables: Record<string, string>): string[] {
  return Object.entries(variables).map(([name, value]) => `export ${name}='${value.replaceAll("'", `'\\''`)}'`);
}
