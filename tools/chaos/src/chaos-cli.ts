import { isDeepStrictEqual } from 'node:util';

import { UsageError, type CommandIo } from '@lab/common';
import { isAlive, toolEnvironment, type StackState, type StackStateInstance } from '@lab/stack-state';

import { CHAOS_USAGE, parseChaosArgs, type ChaosCommand } from './chaos-args';
import { faultInForce, flattenFault, readAdminToken, type FaultValues } from './instance-config';
import { openStackRegistry } from './stack-registry';

export interface ChaosIo extends CommandIo {
  /** How long to wait for every instance to apply a change (default 5 s). */
  applyTimeoutMs?: number;
}

/** `npm run chaos -- ...`; resolves to the exit code: 0 done, 1 not applied everywhere in time, 2 usage or no stack. */
export async function runChaos(argv: readonly string[], io: ChaosIo): Promise<number> {
  let command: ChaosCommand;
  let state: StackState;
  let env: NodeJS.ProcessEnv;
  try {
    const parsed = parseChaosArgs(argv);
    if (parsed === 'help') {
      io.out(CHAOS_USAGE);
      return 0;
    }
    command = parsed;
    ({ state, env } = runningStack(io.env));
    knownService(state, command.service);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`chaos: ${error.message}`);
    return 2;
  }

  const instances = state.instances.filter((i) => i.service === command.service);
  switch (command.command) {
    case 'stop':
      return signal(instances, command.instance, 'SIGSTOP', io);
    case 'resume': {
      const thawed = signal(instances, undefined, 'SIGCONT', io);
      const cleared = await writeFault(state, env, command.service, {}, io);
      return Math.max(thawed, cleared);
    }
    case 'clear':
      return writeFault(state, env, command.service, {}, io);
    case 'delay':
    case 'abort':
      return writeFault(state, env, command.service, command.fault, io);
  }
}

function runningStack(env: NodeJS.ProcessEnv): { state: StackState; env: NodeJS.ProcessEnv } {
  const found = toolEnvironment(env);
  if (found.state) return { state: found.state, env: found.env };
  const why =
    found.lookup.kind === 'stale'
      ? `${found.lookup.file} is from a stack that is no longer running (pid ${found.lookup.state.pid})`
      : `there is no ${found.lookup.file}`;
  throw new UsageError(
    `no running stack: ${why}. Start one with npm start (or name its state file in DEV_STACK_STATE)`,
  );
}

function knownService(state: StackState, service: string): void {
  const services = [...new Set(state.instances.map((i) => i.service))];
  if (!services.includes(service))
    throw new UsageError(`unknown service "${service}": the stack runs ${services.join(', ')}`);
}

/** SIGSTOP or SIGCONT the instances' processes (one instance with `only`). */
function signal(
  instances: StackStateInstance[],
  only: string | undefined,
  sig: 'SIGSTOP' | 'SIGCONT',
  io: ChaosIo,
): number {
  const chosen = only === undefined ? instances : instances.filter((i) => i.id === only);
  if (chosen.length === 0) {
    io.err(`chaos: no instance "${only}" (the service has ${instances.map((i) => i.id).join(', ')})`);
    return 2;
  }
  let failed = 0;
  for (const instance of chosen) {
    if (instance.pid === undefined || !isAlive(instance.pid)) {
      io.err(`${instance.id}: no running process${instance.pid ? ` (pid ${instance.pid} is gone)` : ''}`);
      failed++;
      continue;
    }
    process.kill(instance.pid, sig);
    io.out(
      sig === 'SIGSTOP'
        ? `${instance.id} (pid ${instance.pid}) stopped: it answers nothing, its checks fail, and the registry takes it out`
        : `${instance.id} (pid ${instance.pid}) resumed`,
    );
  }
  return failed > 0 ? 1 : 0;
}

/**
 * Writes the service's `fault` setting (each kind its own key, so a delay and an abort can stand
 * together) and waits until every instance reports it in force.
 */
async function writeFault(
  state: StackState,
  env: NodeJS.ProcessEnv,
  service: string,
  fault: Record<string, Record<string, unknown> | undefined>,
  io: ChaosIo,
): Promise<number> {
  const registry = openStackRegistry(env, state);
  const kv = registry.kv!;
  const prefix = `config/${service}/fault/`;
  try {
    const removing = Object.keys(fault).length === 0;
    if (removing) {
      for (const key of (await kv.list(prefix)).keys()) await kv.delete(key);
      io.out(`${service}: fault injection removed (${prefix}*)`);
    }
    for (const [kind, value] of Object.entries(fault)) {
      await kv.put(`${prefix}${kind}`, JSON.stringify(value));
      io.out(`${service}: ${describe(kind, value ?? {})} (${prefix}${kind} = ${JSON.stringify(value)})`);
    }
  } catch (error) {
    io.err(
      `chaos: cannot write ${prefix} in the ${state.registry.backend} KV store at ${state.registry.address}: ${(error as Error).message}`,
    );
    return 2;
  } finally {
    await registry.close().catch(() => undefined);
  }
  return confirm(state, service, fault, io);
}

function describe(kind: string, value: Record<string, unknown>): string {
  return kind === 'delay'
    ? `${String(value.percentage)}% of requests delayed by ${String(value.fixedDelayMs)} ms`
    : `${String(value.percentage)}% of requests aborted with ${String(value.httpStatus)}`;
}

/** Polls each instance's /admin/config until it applies `fault` (or everything under fault.* is gone). */
async function confirm(
  state: StackState,
  service: string,
  fault: Record<string, Record<string, unknown> | undefined>,
  io: ChaosIo,
): Promise<number> {
  const token = readAdminToken(state.adminTokenFile);
  if (token === undefined) {
    io.out(`(cannot read the admin token in ${state.adminTokenFile}: not checking that the instances applied it)`);
    return 0;
  }
  const wanted = flattenFault(fault);
  const deadline = Date.now() + (io.applyTimeoutMs ?? 5000);
  let pending = state.instances.filter((i) => i.service === service);
  const last = new Map<string, FaultValues | string>();
  while (pending.length > 0 && Date.now() < deadline) {
    const results = await Promise.all(
      pending.map(async (instance) => {
        try {
          const values = await faultInForce(instance, token);
          last.set(instance.id, values);
          return isDeepStrictEqual(values, wanted);
        } catch (error) {
          last.set(instance.id, (error as Error).message);
          return false;
        }
      }),
    );
    for (const instance of pending.filter((_, i) => results[i])) io.out(`  ${instance.id}: in force`);
    pending = pending.filter((_, i) => !results[i]);
    if (pending.length > 0) await new Promise((r) => setTimeout(r, 100));
  }
  for (const instance of pending) {
    const seen = last.get(instance.id);
    io.err(
      `  ${instance.id}: not applied yet (${typeof seen === 'string' ? seen : `has ${JSON.stringify(seen ?? {})}`})`,
    );
  }
  return pending.length > 0 ? 1 : 0;
}
