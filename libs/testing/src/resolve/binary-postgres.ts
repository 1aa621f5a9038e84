import { execFile, spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../free-port';
import { probePostgres } from '../probes';
import { startChildServer } from './child-server';
import { findBinaryDirectory, pathDirectories, postgresqlLibDirectories } from './find-binary';
import type { StepRunner } from './types';

const run = promisify(execFile);

/**
 * Step 3 for Postgres: initdb a throwaway cluster in a temp dir and run `postgres` on a free port.
 * Postgres refuses to run as root; as root it runs as the `postgres` user through runuser, when
 * that user exists, and is passed over otherwise.
 */
export function binaryPostgresStep(): StepRunner {
  return async (o) => {
    const env = o.env ?? process.env;
    const bin = findBinaryDirectory(['initdb', 'postgres'], [...pathDirectories(env), ...postgresqlLibDirectories()]);
    if (!bin) return { skipped: 'no initdb/postgres binaries' };
    const runAs = process.getuid?.() === 0 ? postgresUser() : undefined;
    if (process.getuid?.() === 0 && !runAs) {
      return { skipped: 'postgres refuses to run as root, and there is no postgres user to run it as (via runuser)' };
    }

    const dir = mkdtempSync(path.join(tmpdir(), 'lab-postgres-'));
    try {
      if (runAs) chownSync(dir, runAs.uid, runAs.gid);
      const as = (command: string, args: string[]): [string, string[]] =>
        runAs ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
      const dataDir = path.join(dir, 'data');
      await run(
        ...as(path.join(bin, 'initdb'), [
          '-D',
          dataDir,
          '-U',
          'postgres',
          '-A',
          'trust',
          '--no-sync',
          '--no-locale',
          '-E',
          'UTF8',
        ]),
      );

      const port = await freePort();
      const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
      // Durability settings are off: the cluster lives for one test run and is deleted afterwards.
      const server = await startChildServer(
        ...as(path.join(bin, 'postgres'), [
          '-D',
          dataDir,
          '-p',
          String(port),
          '-k',
          dir,
          '-c',
          'listen_addresses=127.0.0.1',
          '-c',
          'fsync=off',
          '-c',
          'synchronous_commit=off',
          '-c',
          'full_page_writes=off',
        ]),
        { ready: () => probePostgres(url, 1_000), timeoutMs: o.startTimeoutMs ?? 15_000 },
      );
      return {
        url,
        stop: async () => {
          // SIGINT is Postgres's fast shutdown (SIGTERM would wait for clients to disconnect). Send it
          // to the postmaster itself: under runuser the spawned process is runuser, not postgres.
          signalPostmaster(dataDir, 'SIGINT');
          await server.stop('SIGINT');
          rmSync(dir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  };
}

function postgresUser(): { uid: number; gid: number } | undefined {
  if (spawnSync('runuser', ['--help'], { stdio: 'ignore' }).error) return undefined;
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function signalPostmaster(dataDir: string, signal: NodeJS.Signals): void {
  try {
    const pid = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (pid > 0) process.kill(pid, signal);
  } catch {
    // Already gone: nothing to stop.
  }
}
