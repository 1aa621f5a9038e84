import path from 'node:path';

import type { InstanceWatch, ServiceRegistry } from '@lab/discovery';
import {
  exportLines,
  removeStackState,
  stackStatePath,
  stackVariables,
  writeStackSecret,
  writeStackState,
} from '@lab/stack-state';

import { parseArgs, SERVICES, UsageError } from './args';
import { startStack, type RunningStack } from './stack';
import { CANARY_VERSION } from './stack-instances';
import { stackStateOf } from './stack-state-of';
import { renderTable } from './table';

/** `npm start`: the whole system on this machine with no infrastructure installed. */
async function main(): Promise<void> {
  let options;
  try {
    options = parseArgs(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(error.message);
      process.exit(error.message.startsWith('Usage:') ? 0 : 2);
    }
    throw error;
  }

  const say = (message: string) => console.log(`» ${message}`);
  say(
    `starting the embedded stack on ${options.backend} (registry, one embedded Postgres per service, services, gateway, dashboard)`,
  );
  let stack: RunningStack;
  try {
    stack = await startStack({ ...options, onProgress: say });
  } catch (error) {
    console.error(`\nstart-up failed: ${(error as Error).message}`);
    process.exit(1);
  }

  // A second shell's tools (config, chaos, load, lab) read where this stack runs from the state file.
  const stateFile = stackStatePath(process.env);
  const adminTokenFile = writeStackSecret(path.join(stack.credentialsDir, 'admin-token'), stack.adminToken);
  const state = stackStateOf(stack, { pid: process.pid, adminTokenFile });
  writeStackState(stateFile, state);

  console.log(
    '\n' +
      renderTable(
        ['instance', 'version', 'url', 'pid'],
        stack.instances.map((i) => [i.id, i.version, i.url, String(i.process.pid ?? '')]),
      ),
  );
  console.log(`
Gateway:   ${stack.gatewayUrl}   (try: curl ${stack.gatewayUrl}/api/products)
${canaryLine(stack)}${
    stack.dashboardUrl
      ? `Dashboard: ${stack.dashboardUrl}/   (live view of every instance, breaker, flag and route; sign in with the admin token: ${stack.adminToken})
`
      : ''
  }Registry:  ${stack.registry.backend} at ${stack.registry.address}${state.registry.uiUrl ? `   (web UI: ${state.registry.uiUrl}; services: curl ${stack.registry.address}/v1/catalog/services)` : ''}${dnsLine(stack.registry.dns)}${aclLine(stack.registry)}
Admin:     ${process.env.ADMIN_EMAIL ?? 'admin@example.com'} / ${process.env.ADMIN_PASSWORD ? '(from ADMIN_PASSWORD)' : 'admin-dev-password'}
Logs:      ${options.logs === 'files' ? stack.logDir : 'streamed above'}
Secrets:   ${stack.credentialsDir}   (this stack's signing key and service client secrets; removed at stop)
State:     ${stateFile}   (read by npm run config, chaos, load and lab; removed at stop)

In another shell, these point curl, dig and Consul's tools at this stack (the npm run tools find it themselves):
${exportLines(stackVariables(state)).join('\n')}

Press Ctrl-C to stop everything.
`);

  const watches = watchRegistry(stack.registryClient, say);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping (gateway, services, then databases and registry)`);
    watches.forEach((w) => w.close());
    removeStackState(stateFile);
    await stack.stop();
    say('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  for (const instance of stack.instances) {
    void instance.process.exited.then(({ code, signal }) => {
      if (!stopping)
        say(`${instance.id} exited (${signal ?? `code ${code}`}); the registry will drop it after its next check`);
    });
  }
}

/** Which instances run as canaries, and how to reach them through the gateway. */
function canaryLine(stack: RunningStack): string {
  const canaries = stack.instances.filter((i) => i.version === CANARY_VERSION);
  if (canaries.length === 0) return '';
  return `Canary:    ${canaries.map((i) => `${i.id} runs ${i.version}`).join(', ')}   (try: curl -si -H 'canary: true' ${stack.gatewayUrl}/api/products | grep -i x-served-by; the rest is split 90/10 by config/gateway)
`;
}

/** Whether the registry enforces ACLs; its management token is among the export lines (CONSUL_HTTP_TOKEN). */
function aclLine(registry: RunningStack['registry']): string {
  if (!registry.tokens) return '';
  return `\nACLs:      on, default deny: writes need a token, each service holds its own; yours is CONSUL_HTTP_TOKEN below`;
}

function dnsLine(dns: RunningStack['registry']['dns']): string {
  if (!dns) return '';
  return `\nDNS:       ${dns.host}:${dns.port} udp+tcp (${dns.note})   (try: dig @${dns.host} -p ${dns.port} product-service.service.consul SRV)`;
}

/** Prints each change in the healthy set of every service: what the clients' caches see too. */
function watchRegistry(registry: ServiceRegistry, say: (m: string) => void): InstanceWatch[] {
  const previous = new Map<string, string>();
  return [...SERVICES, 'gateway', 'dashboard'].map((service) =>
    registry.watch(service, {
      onChange(instances) {
        const summary =
          instances
            .map((i) => `${i.id}@${i.port}`)
            .sort()
            .join(', ') || 'none';
        if (previous.has(service) && previous.get(service) !== summary) {
          say(`registry: ${service} healthy instances -> ${summary}`);
        }
        previous.set(service, summary);
      },
    }),
  );
}

void main();
