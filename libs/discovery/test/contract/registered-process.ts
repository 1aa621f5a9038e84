import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { CreateRegistryOptions } from '../../src/backends/create-registry';
import type { ServiceRegistration } from '../../src/types';

const DIST = path.resolve(__dirname, '../../dist/index.js');
const FIXTURE = path.join(__dirname, 'fixtures', 'registered-process.js');

export interface ProcessRegistration {
  registry: CreateRegistryOptions;
  registration: ServiceRegistration;
  /** Serve an HTTP health check with this interval and register it (Consul). */
  serveHealth?: { interval: string; deregisterCriticalServiceAfter?: string };
}

export interface RegisteredProcess {
  child: ChildProcess;
  /** What the process reported once registered. */
  info: { registered: string; sessionTimeoutMs?: number };
  kill(): void;
}

/**
 * Starts a separate Node process that registers through the built library and stays alive until
 * killed. Resolves once it printed that it is registered.
 */
export async function startRegisteredProcess(o: ProcessRegistration, timeoutMs = 10_000): Promise<RegisteredProcess> {
  if (!existsSync(DIST)) throw new Error(`${DIST} is missing: build the library first (npm run build)`);
  const child = spawn(process.execPath, [FIXTURE, JSON.stringify(o)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const info = await new Promise<RegisteredProcess['info']>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no "registered" line within ${timeoutMs} ms: ${output}`)),
      timeoutMs,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((l) => l.startsWith('{'));
      if (line === undefined) return;
      clearTimeout(timer);
      resolve(JSON.parse(line));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the registering process exited (${code}): ${output.trim()}`));
    });
  }).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  return { child, info, kill: () => void child.kill('SIGKILL') };
}
