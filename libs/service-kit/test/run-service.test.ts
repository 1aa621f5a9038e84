import { freePort } from '@lab/testing';
import { z } from 'zod';
import { defineService, runService } from '../src';

/** runService owns the process: exit codes and signal handlers are observed through spies. */
function observeProcess() {
  const emitter: NodeJS.EventEmitter = process;
  const events = ['SIGTERM', 'SIGINT', 'uncaughtException', 'unhandledRejection'];
  const before = new Map(events.map((event) => [event, emitter.listeners(event)]));
  const codes: number[] = [];
  const waiters: (() => void)[] = [];
  jest.spyOn(process, 'exit').mockImplementation(((code?: number) => {
    codes.push(code ?? 0);
    waiters.splice(0).forEach((wake) => wake());
  }) as never);
  /** Resolves with the exit codes once process.exit has been called `count` times. */
  async function exits(count: number): Promise<number[]> {
    while (codes.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
    return codes.slice(0, count);
  }
  const exited = exits(1).then(([code]) => code);
  const stderr: string[] = [];
  jest.spyOn(process.stderr, 'write').mockImplementation(((chunk: string) => {
    stderr.push(String(chunk));
    return true;
  }) as never);
  return {
    exited,
    exits,
    stderr,
    restore() {
      jest.restoreAllMocks();
      for (const event of events) {
        for (const listener of emitter.listeners(event)) {
          if (!before.get(event)?.includes(listener)) emitter.removeListener(event, listener as () => void);
        }
      }
    },
  };
}

const env = { ...process.env };
afterEach(() => {
  process.env = { ...env };
});

/** Enough for tiny-service to start on a free port without any infrastructure. */
const runnable = { PORT: '0', DISCOVERY_BACKEND: 'memory', LOG_LEVEL: 'silent', TINY_SECRET: 'abcd' };

const tinyService = defineService({
  name: 'tiny-service',
  defaultPort: 3994,
  config: z.object({ TINY_SECRET: z.string().min(4) }),
  routes(ctx) {
    ctx.app.get('/ping', (_req, res) => void res.json({ pong: true }));
  },
});

describe('runService', () => {
  it('prints one message naming every bad variable and exits 1', async () => {
    const observed = observeProcess();
    try {
      process.env = { ...env, PORT: 'nope', DISCOVERY_BACKEND: 'memory', TINY_SECRET: undefined };
      runService(tinyService);
      expect(await observed.exited).toBe(1);
      expect(observed.stderr).toHaveLength(1);
      expect(observed.stderr[0]).toMatch(/^tiny-service: Invalid configuration/);
      expect(observed.stderr[0]).toContain('PORT');
      expect(observed.stderr[0]).toContain('TINY_SECRET');
    } finally {
      observed.restore();
    }
  });

  it('shuts down gracefully on SIGTERM and exits 0', async () => {
    const observed = observeProcess();
    try {
      process.env = { ...env, ...runnable };
      runService(tinyService);
      // Wait until the handler is installed and the service has started (the signal may come early too).
      await new Promise((resolve) => setTimeout(resolve, 200));
      process.emit('SIGTERM', 'SIGTERM');
      expect(await observed.exited).toBe(0);
    } finally {
      observed.restore();
    }
  });

  it('on SIGTERM while still waiting for its database, stops waiting and exits 0', async () => {
    const observed = observeProcess();
    // A port that accepts nothing: the start keeps trying for DATABASE_STARTUP_TIMEOUT (2 minutes).
    const port = await freePort();
    try {
      process.env = { ...env, ...runnable, DATABASE_URL: `postgres://app:pw@127.0.0.1:${port}/app` };
      runService({ ...tinyService, name: 'tiny-db-service', database: { migrations: [] } });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const began = Date.now();
      process.emit('SIGTERM', 'SIGTERM');
      expect(await observed.exited).toBe(0);
      expect(Date.now() - began).toBeLessThan(6000);
      expect(observed.stderr.join('')).toContain('"msg":"SIGTERM while starting: stopped"');
    } finally {
      observed.restore();
    }
  });

  it('exits 1 at once on a second signal, without waiting for the drain', async () => {
    const observed = observeProcess();
    try {
      process.env = { ...env, ...runnable, SHUTDOWN_DRAIN_DELAY_MS: '400' };
      runService(tinyService);
      await new Promise((resolve) => setTimeout(resolve, 200));
      process.emit('SIGTERM', 'SIGTERM');
      process.emit('SIGINT', 'SIGINT');
      expect(await observed.exited).toBe(1);
      // process.exit is a spy here, so the first shutdown still completes; wait for it before restoring.
      expect(await observed.exits(2)).toEqual([1, 0]);
    } finally {
      observed.restore();
    }
  });

  it('prints its configuration as JSON with --describe-config and starts nothing', () => {
    const stdout: string[] = [];
    jest.spyOn(process.stdout, 'write').mockImplementation(((chunk: string) => {
      stdout.push(String(chunk));
      return true;
    }) as never);
    jest.replaceProperty(process, 'argv', [process.argv[0], 'main.js', '--describe-config']);
    const exit = jest.spyOn(process, 'exit');
    const listeners = process.listenerCount('SIGTERM');
    const routes = jest.spyOn(tinyService, 'routes');
    try {
      // No variable is set: describing must not validate, so a missing TINY_SECRET is no failure.
      process.env = { PATH: env.PATH };
      runService(tinyService);
      const description = JSON.parse(stdout.join('')) as { service: string; variables: { name: string }[] };
      expect(description).toMatchObject({
        service: 'tiny-service',
        defaultPort: 3994,
        probes: { ready: '/health/ready' },
      });
      expect(description.variables).toContainEqual({ name: 'TINY_SECRET', required: true, secret: true });
      expect(exit).not.toHaveBeenCalled();
      expect(routes).not.toHaveBeenCalled();
      expect(process.listenerCount('SIGTERM')).toBe(listeners);
    } finally {
      jest.restoreAllMocks();
    }
  });

  it('exits 1 with message and code when start-up fails for another reason', async () => {
    const observed = observeProcess();
    try {
      process.env = { ...env, ...runnable };
      runService(
        defineService({
          name: 'failing-service',
          defaultPort: 3993,
          routes() {
            throw Object.assign(new Error('cannot mount'), { code: 'MOUNT_FAILED' });
          },
        }),
      );
      expect(await observed.exited).toBe(1);
      const line = JSON.parse(observed.stderr.join('')) as Record<string, unknown>;
      expect(line).toMatchObject({ msg: 'start-up failed', err: { message: 'cannot mount', code: 'MOUNT_FAILED' } });
      expect(observed.stderr.join('')).not.toMatch(/\bat .*\.ts:\d+/);
    } finally {
      observed.restore();
    }
  });
});
