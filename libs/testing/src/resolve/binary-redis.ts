import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../free-port';
import { probeRedis } from '../probes';
import { startChildServer } from './child-server';
import { findBinaryDirectory, pathDirectories } from './find-binary';
import type { StepRunner } from './types';

/** Step 3 for Redis: `redis-server` on a free port, persistence off, working dir in a temp dir. */
export function binaryRedisStep(): StepRunner {
  return async (o) => {
    const bin = findBinaryDirectory(['redis-server'], pathDirectories(o.env ?? process.env));
    if (!bin) return { skipped: 'no redis-server binary' };
    const dir = mkdtempSync(path.join(tmpdir(), 'lab-redis-'));
    try {
      const port = await freePort();
      const url = `redis://127.0.0.1:${port}`;
      const server = await startChildServer(
        path.join(bin, 'redis-server'),
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
        { ready: () => probeRedis(url, 1_000), timeoutMs: o.startTimeoutMs ?? 15_000 },
      );
      return {
        url,
        stop: async () => {
          await server.stop();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  };
}
