import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ChildServer } from '../resolve/child-server';

export interface RestartableServer {
  /** Stops the server and deletes its data. */
  stop(): Promise<void>;
  /** Kills the server (SIGKILL) and leaves it down, as a crash would; restart() brings it back. */
  crash(): Promise<void>;
  /** Kills the server if it runs, deletes its data, and starts it again on the same ports: up and empty. */
  restart(): Promise<void>;
}

/**
 * A server process with a throwaway data directory that tests can restart empty, the way a
 * registry comes back after losing its state. `launch` starts the process on its fixed ports
 * with the given (empty) data directory and resolves once it answers.
 */
export async function startRestartableServer(
  name: string,
  launch: (dataDir: string) => Promise<ChildServer>,
): Promise<RestartableServer> {
  const dir = mkdtempSync(path.join(tmpdir(), `lab-${name}-`));
  const dataDir = path.join(dir, 'data');
  const fresh = (): string => {
    rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(dataDir);
    return dataDir;
  };
  let server: ChildServer | undefined;
  try {
    server = await launch(fresh());
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    stop: async () => {
      await server?.stop();
      server = undefined;
      rmSync(dir, { recursive: true, force: true });
    },
    crash: async () => {
      await server?.stop('SIGKILL');
      server = undefined;
    },
    restart: async () => {
      await server?.stop('SIGKILL');
      server = undefined;
      server = await launch(fresh());
    },
  };
}
