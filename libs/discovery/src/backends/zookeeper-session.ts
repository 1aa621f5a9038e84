import type { Client, Event, Exception, Stat } from 'node-zookeeper-client';
import type * as ZookeeperModule from 'node-zookeeper-client';
import { RegistryUnavailableError } from '../errors';
import { describeError, type Logger } from '@lab/common';
import { closeClient, hardenClient } from './zookeeper-client-guard';

export interface ZookeeperSessionOptions {
  /** Connection string: "host:port[,host:port...]". */
  connect: string;
  sessionTimeoutMs: number;
  requestTimeoutMs: number;
  logger: Logger;
}

/** What watches and registrations need to hear about the connection. */
export interface SessionListener {
  /** Connected (again) within the current session: server-side watches are still set. */
  connected?(): void;
  /** The connection broke; the session may yet survive it. */
  disconnected?(): void;
  /** The session expired: its ephemeral nodes and watches are gone. */
  expired?(): void;
  /** A new session after an expiry is connected: put back what the old one held. */
  renewed?(): void;
}

type Watcher = (event: Event) => void;

const CLOSE_GRACE_MS = 1000;

/**
 * The client library, loaded when a session is first opened rather than when @lab/discovery is: it
 * brings async, underscore and bignumber.js, which a process on any other backend never runs.
 */
function zookeeper(): typeof ZookeeperModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on use (see above); import() would make callers async
  return require('node-zookeeper-client');
}
type Callback<T> = (error: Error | Exception | null, value: T) => void;

/** ZooKeeper answers for a node that a caller handles itself; every other failure is "unavailable". */
export class ZookeeperNodeError extends Error {
  constructor(
    readonly zkCode: 'NO_NODE' | 'NODE_EXISTS' | 'NOT_EMPTY',
    path: string,
  ) {
    super(`${zkCode} ${path}`);
  }
}

export const isNoNode = (error: unknown): boolean => error instanceof ZookeeperNodeError && error.zkCode === 'NO_NODE';
export const isNodeExists = (error: unknown): boolean =>
  error instanceof ZookeeperNodeError && error.zkCode === 'NODE_EXISTS';
export const isNotEmpty = (error: unknown): boolean =>
  error instanceof ZookeeperNodeError && error.zkCode === 'NOT_EMPTY';

/**
 * One ZooKeeper session at a time, renewed when it expires, with promise-based calls that never
 * wait longer than the request timeout.
 *
 * A disconnected client keeps reconnecting by itself and its session (with its ephemeral nodes
 * and watches) survives if it gets back within the session timeout. If not, the server reports
 * the session expired on reconnect (as it does after a restart that lost its data): that client
 * is finished, so a new one is opened and, once connected, listeners hear `renewed`.
 */
export class ZookeeperSession {
  private client: Client;
  private readonly listeners = new Set<SessionListener>();
  private renewing = false;
  private expiryTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly o: ZookeeperSessionOptions) {
    this.client = this.open();
  }

  /** The session timeout the server granted (it clamps the requested one), in ms. */
  get sessionTimeoutMs(): number {
    return this.client.getSessionTimeout();
  }

  get isConnected(): boolean {
    return this.client.getState() === zookeeper().State.SYNC_CONNECTED;
  }

  listen(listener: SessionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** True when `stat` describes an ephemeral node owned by the current session. */
  ownsNode(stat: Stat): boolean {
    return stat.ephemeralOwner.equals(this.client.getSessionId());
  }

  getChildren(path: string, watcher?: Watcher): Promise<string[]> {
    return this.call(`list ${path}`, path, (client, done: Callback<string[]>) =>
      watcher ? client.getChildren(path, watcher, done) : client.getChildren(path, done),
    );
  }

  getData(path: string, watcher?: Watcher): Promise<Buffer> {
    return this.call(`read ${path}`, path, (client, done: Callback<Buffer>) =>
      watcher ? client.getData(path, watcher, done) : client.getData(path, done),
    );
  }

  /** The node's stat, or undefined when it does not exist (a watcher then waits for its creation). */
  exists(path: string, watcher?: Watcher): Promise<Stat | undefined> {
    return this.call(`stat ${path}`, path, (client, done: Callback<Stat | undefined>) =>
      // The client answers null for a missing node.
      watcher
        ? client.exists(path, watcher, (e, stat) => done(e, stat ?? undefined))
        : client.exists(path, (e, stat) => done(e, stat ?? undefined)),
    );
  }

  /** A node that lives as long as this session (an instance registration). */
  createEphemeral(path: string, data: Buffer): Promise<string> {
    return this.call(`create ${path}`, path, (client, done: Callback<string>) =>
      client.create(path, data, zookeeper().CreateMode.EPHEMERAL, done),
    );
  }

  /** A node that stays until it is removed (a KV entry). */
  createPersistent(path: string, data: Buffer): Promise<string> {
    return this.call(`create ${path}`, path, (client, done: Callback<string>) =>
      client.create(path, data, zookeeper().CreateMode.PERSISTENT, done),
    );
  }

  /** Creates `path` and its missing parents as persistent nodes. */
  mkdirp(path: string): Promise<string> {
    return this.call(`mkdirp ${path}`, path, (client, done: Callback<string>) => client.mkdirp(path, done));
  }

  setData(path: string, data: Buffer): Promise<Stat> {
    return this.call(`write ${path}`, path, (client, done: Callback<Stat>) => client.setData(path, data, done));
  }

  remove(path: string): Promise<void> {
    return this.call(`remove ${path}`, path, (client, done: Callback<void>) =>
      client.remove(path, (error) => done(error, undefined)),
    );
  }

  /**
   * Ends the session. A connected client tells the server, which deletes the session's ephemeral
   * nodes at once; resolves when the server has closed the connection (or after a second).
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.expiryTimer);
    this.listeners.clear();
    const client = this.client;
    if (!this.isConnected) {
      // The client throws when closed before its first socket exists, which it creates on the next tick.
      setImmediate(() => closeClient(client));
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, CLOSE_GRACE_MS);
      client.once('disconnected', () => {
        clearTimeout(timer);
        resolve();
      });
      client.close();
    });
  }

  private open(): Client {
    const client = zookeeper().createClient(this.o.connect, {
      sessionTimeout: this.o.sessionTimeoutMs,
      // A dead server refuses at once; try again soon, but not in a hot loop.
      spinDelay: 200,
      retries: 0,
    });
    hardenClient(client);
    const current = (): boolean => client === this.client && !this.closed;
    client.on('connected', () => {
      if (!current()) return;
      clearTimeout(this.expiryTimer);
      if (this.renewing) {
        this.renewing = false;
        this.o.logger.info({ connect: this.o.connect }, 'zookeeper session renewed');
        this.emit('renewed');
      }
      this.emit('connected');
    });
    client.on('disconnected', () => {
      if (!current()) return;
      this.emit('disconnected');
      // Past its timeout the server has expired the session, but a client may never be told: a
      // server that restarted without its data refuses a client that has seen newer transactions,
      // and the client would retry that forever. So, like Curator, give the session up ourselves.
      clearTimeout(this.expiryTimer);
      this.expiryTimer = setTimeout(() => {
        if (current() && !this.isConnected) this.renew(client, 'no connection for longer than the session timeout');
      }, client.getSessionTimeout() || this.o.sessionTimeoutMs);
    });
    client.on('expired', () => {
      if (current()) this.renew(client, 'the server expired it');
    });
    client.connect();
    return client;
  }

  private renew(client: Client, why: string): void {
    clearTimeout(this.expiryTimer);
    this.o.logger.warn({ connect: this.o.connect, why }, 'zookeeper session lost; opening a new one');
    closeClient(client);
    this.renewing = true;
    this.client = this.open();
    this.emit('expired');
  }

  private emit(event: keyof SessionListener): void {
    for (const listener of [...this.listeners]) {
      try {
        listener[event]?.();
      } catch (error) {
        this.o.logger.error({ event, err: describeError(error) }, 'zookeeper session listener threw');
      }
    }
  }

  /** Waits for a connection (within the request timeout), then runs one request with the rest of it. */
  private async call<T>(what: string, path: string, run: (client: Client, done: Callback<T>) => void): Promise<T> {
    if (this.closed) throw new RegistryUnavailableError(`zookeeper ${what}: the registry is closed`);
    const deadline = Date.now() + this.o.requestTimeoutMs;
    const client = await this.connectedClient(deadline, what);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new RegistryUnavailableError(`zookeeper ${what} timed out after ${this.o.requestTimeoutMs}ms`)),
        Math.max(1, deadline - Date.now()),
      );
      run(client, (error, value) => {
        clearTimeout(timer);
        if (error === null || error === undefined) resolve(value);
        else reject(toSessionError(error, what, path));
      });
    });
  }

  private connectedClient(deadline: number, what: string): Promise<Client> {
    if (this.isConnected) return Promise.resolve(this.client);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => {
          stop();
          reject(
            new RegistryUnavailableError(
              `zookeeper ${what}: no connection to ${this.o.connect} within ${this.o.requestTimeoutMs}ms`,
            ),
          );
        },
        Math.max(1, deadline - Date.now()),
      );
      const stop = this.listen({
        connected: () => {
          clearTimeout(timer);
          stop();
          resolve(this.client);
        },
      });
    });
  }
}

function toSessionError(error: Error | Exception, what: string, path: string): Error {
  const code = (error as { getCode?(): number }).getCode?.();
  const codes = zookeeper().Exception;
  if (code === codes.NO_NODE) return new ZookeeperNodeError('NO_NODE', path);
  if (code === codes.NODE_EXISTS) return new ZookeeperNodeError('NODE_EXISTS', path);
  if (code === codes.NOT_EMPTY) return new ZookeeperNodeError('NOT_EMPTY', path);
  return new RegistryUnavailableError(`zookeeper ${what} failed: ${describeError(error)}`, undefined, { cause: error });
}
