import type * as zookeeperClient from 'node-zookeeper-client';
import type { Client, Event } from 'node-zookeeper-client';
import type { BackoffOptions, Logger } from '@lab/common';
import type { KvSource, KvWatch } from './kv-source';
import { assertKey, KvUnavailableError } from './kv-source';
import { LazyClient } from './lazy-client';
import { OpenWatches, PrefixWatch, type PrefixWatchOptions } from './prefix-watch';

type ZookeeperModule = typeof zookeeperClient;

export interface ZookeeperKvOptions {
  /** host:port[,host:port...][/chroot] */
  connect: string;
  sessionTimeoutMs?: number;
  /** Backoff after a failed scan. Default 250 ms doubling to 10 s. */
  retry?: BackoffOptions;
  /** Limit for one request (ZooKeeper queues requests while it reconnects). Default 5 s. */
  requestTimeoutMs?: number;
  logger?: Logger;
}

// ZooKeeper's error codes (KeeperException.Code), stable across versions.
const NO_NODE = -101;
const NODE_EXISTS = -110;
const NOT_EMPTY = -111;

/**
 * ZooKeeper nodes as a KV store: key "config/a/b" is node /config/a/b, its data the value. Parent
 * nodes are created empty, and an empty node counts as absent, so a key can hold a value and have
 * children at once. A watch arms one-shot data and child watches on every node of the subtree and
 * re-reads the subtree whenever one fires (re-arming them), which is cheap for a configuration tree
 * of tens of nodes. After a reconnect or a new session (the old session's watches are gone) it
 * reads the subtree again and delivers.
 */
export class ZookeeperKv implements KvSource {
  readonly kind = 'zookeeper';
  private readonly connection: LazyClient<Client>;
  private zookeeper: ZookeeperModule | undefined;
  private readonly watches: OpenWatches<ZookeeperTreeWatch>;

  constructor(private readonly o: ZookeeperKvOptions) {
    this.watches = new OpenWatches(o);
    this.connection = new LazyClient(this.kind, () => this.connect(), closeClient);
  }

  async list(prefix: string): Promise<Map<string, string>> {
    const client = await this.client();
    return this.readTree(client, prefix, undefined);
  }

  watch(prefix: string, onChange: (entries: Map<string, string>) => void, onError?: (error: Error) => void): KvWatch {
    return this.watches.open(prefix, onChange, onError, (o) => new ZookeeperTreeWatch(this, o));
  }

  async put(key: string, value: string): Promise<void> {
    assertKey(this.kind, key);
    const client = await this.client();
    const path = `/${key}`;
    const data = Buffer.from(value, 'utf8');
    const parent = path.slice(0, path.lastIndexOf('/'));
    if (parent !== '') await this.op<string>('put', (cb) => client.mkdirp(parent, cb));
    try {
      await this.op('put', (cb) => client.create(path, data, cb));
    } catch (error) {
      if (zookeeperCode(error) !== NODE_EXISTS) throw error;
      await this.op('put', (cb) => client.setData(path, data, -1, cb));
    }
  }

  async delete(key: string): Promise<void> {
    assertKey(this.kind, key);
    const client = await this.client();
    const path = `/${key}`;
    try {
      await this.op<void>('delete', (cb) => client.remove(path, -1, (error) => cb(error, undefined)));
    } catch (error) {
      const code = zookeeperCode(error);
      if (code === NO_NODE) return;
      // A node with children stays as a parent: clearing its data unsets the key.
      if (code === NOT_EMPTY) await this.op<unknown>('delete', (cb) => client.setData(path, Buffer.alloc(0), -1, cb));
      else throw error;
    }
  }

  async close(): Promise<void> {
    this.watches.closeAll();
    await this.connection.close();
  }

  /**
   * Every non-empty node under `prefix`. With `watcher`, arms a data and a child watch on each node
   * (or an existence watch on a missing root); the client keeps one registration per function and path.
   */
  async readTree(
    client: Client,
    prefix: string,
    watcher: ((event: Event) => void) | undefined,
  ): Promise<Map<string, string>> {
    const root = `/${prefix.replace(/^\/+|\/+$/g, '')}`;
    const entries = new Map<string, string>();
    const visit = async (path: string): Promise<void> => {
      let data: Buffer | null;
      let children: string[];
      try {
        data = await this.op<Buffer | null>('read', (cb) =>
          watcher ? client.getData(path, watcher, cb) : client.getData(path, cb),
        );
        children = await this.op<string[]>('read', (cb) =>
          watcher ? client.getChildren(path, watcher, cb) : client.getChildren(path, cb),
        );
      } catch (error) {
        // Deleted while we walked: the parent's child watch reports it.
        if (zookeeperCode(error) === NO_NODE) return;
        throw error;
      }
      const key = path.slice(1);
      if (data && data.length > 0 && key.startsWith(prefix)) entries.set(key, data.toString('utf8'));
      await Promise.all(children.map((child) => visit(path === '/' ? `/${child}` : `${path}/${child}`)));
    };
    const exists = await this.op<unknown>('read', (cb) =>
      watcher ? client.exists(root, watcher, cb) : client.exists(root, cb),
    );
    if (exists) await visit(root);
    return entries;
  }

  /** The connected client; a new one after the session expired (its watches died with it). */
  client(): Promise<Client> {
    return this.connection.get();
  }

  private async connect(): Promise<Client> {
    this.zookeeper ??= await import('node-zookeeper-client');
    const client = this.zookeeper.createClient(this.o.connect, {
      sessionTimeout: this.o.sessionTimeoutMs ?? 10_000,
      spinDelay: 200,
    });
    hardenClient(client);
    client.on('disconnected', () => {
      for (const watch of this.watches) watch.lost(new KvUnavailableError(this.kind, 'disconnected'));
    });
    client.on('connected', () => {
      for (const watch of this.watches) watch.rescan();
    });
    client.on('expired', () => {
      this.connection.reset(client);
      closeClient(client);
      // Watches start over on a new session.
      if (!this.connection.isClosed) for (const watch of this.watches) watch.rescan();
    });
    const connected = new Promise<Client>((resolve, reject) => {
      const timer = setTimeout(() => {
        closeClient(client);
        reject(
          new KvUnavailableError(this.kind, `no connection to ${this.o.connect} within ${this.requestTimeoutMs} ms`),
        );
      }, this.requestTimeoutMs);
      client.once('connected', () => {
        clearTimeout(timer);
        resolve(client);
      });
    });
    client.connect();
    return connected;
  }

  private get requestTimeoutMs(): number {
    return this.o.requestTimeoutMs ?? 5_000;
  }

  /** Promisifies one callback-style request and bounds how long it may wait. */
  private op<T>(what: string, run: (cb: (error: unknown, result: T) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new KvUnavailableError(this.kind, `${what}: no answer within ${this.requestTimeoutMs} ms`)),
        this.requestTimeoutMs,
      );
      try {
        run((error, result) => {
          clearTimeout(timer);
          if (error) reject(error);
          else resolve(result);
        });
      } catch (error) {
        clearTimeout(timer);
        reject(error);
      }
    });
  }
}

interface ConnectionManagerInternals {
  pendingBuffer?: Buffer | null;
  socket?: { destroy(): void };
  onSocketData?: (buffer: Buffer) => void;
  on?(event: 'state', listener: (state: number) => void): unknown;
}

function internals(client: Client): ConnectionManagerInternals | undefined {
  return (client as unknown as { connectionManager?: ConnectionManagerInternals }).connectionManager;
}

/**
 * Closes a client whatever its state. close() queues a close-session request and switches to
 * CLOSING; a client that is not connected has no session to close, so its socket is also cut at
 * once, which ends its reconnect loop.
 */
export function closeClient(client: Client): void {
  const state = client.getState().name;
  client.close();
  if (state !== 'SYNC_CONNECTED' && state !== 'CONNECTED_READ_ONLY') internals(client)?.socket?.destroy();
}

/** ConnectionManager.STATES.DISCONNECTED in node-zookeeper-client. */
const MANAGER_DISCONNECTED = 0;

/**
 * Works around two faults of node-zookeeper-client (1.1.x) that end the process, both seen against a
 * server that is starting or stopping (before they were guarded, about one run in five of the
 * benchmark died while ZooKeeper started):
 *
 * - it keeps the unparsed tail of a connection that dropped mid-frame and prepends it to the next
 *   connection's bytes. The connection manager reports DISCONNECTED after the old socket closed and
 *   before the next one opens (the client's own 'disconnected' event is skipped before the first
 *   connection), so the tail is dropped there;
 * - a stream it misreads (a handshake answer arriving after close(), or on a socket it already
 *   replaced) makes it throw from its socket handler. That handler is looked up when each socket is
 *   made, so wrapping it on the instance turns the throw into a dropped connection, which the
 *   client recovers from like any other.
 *
 * Must run before client.connect().
 */
export function hardenClient(client: Client): void {
  const manager = internals(client);
  if (!manager || typeof manager.on !== 'function' || !('pendingBuffer' in manager)) return;
  manager.on('state', (state) => {
    if (state === MANAGER_DISCONNECTED) manager.pendingBuffer = null;
  });
  const onSocketData = manager.onSocketData;
  if (typeof onSocketData !== 'function') return;
  manager.onSocketData = function guardedOnSocketData(this: ConnectionManagerInternals, buffer: Buffer): void {
    try {
      onSocketData.call(this, buffer);
    } catch {
      this.pendingBuffer = null;
      this.socket?.destroy();
    }
  };
}

function zookeeperCode(error: unknown): number | undefined {
  const getCode = (error as { getCode?: () => number } | null)?.getCode;
  return typeof getCode === 'function' ? getCode.call(error) : undefined;
}

class ZookeeperTreeWatch extends PrefixWatch {
  private scanning = false;
  private again = false;
  /** One function for every node: the client registers a function once per path and kind. */
  private readonly onEvent = (): void => this.rescan();

  constructor(
    private readonly kv: ZookeeperKv,
    o: PrefixWatchOptions,
  ) {
    super('zookeeper', o);
    this.rescan();
  }

  /** Reads the subtree again (coalesced: one scan at a time, one more if asked meanwhile). */
  rescan(): void {
    if (this.closed) return;
    if (this.scanning) {
      this.again = true;
      return;
    }
    this.scanning = true;
    this.run(() => this.scanLoop());
  }

  /** The connection dropped: tell the listener now; the reconnect (or a new session) rescans. */
  lost(error: Error): void {
    this.report(error);
  }

  private async scanLoop(): Promise<void> {
    try {
      do {
        this.again = false;
        try {
          const client = await this.kv.client();
          const entries = await this.kv.readTree(client, this.prefix, this.onEvent);
          this.succeeded();
          this.deliver(entries);
        } catch (error) {
          if (this.closed) return;
          await this.failed(error);
          this.again = true;
        }
      } while (this.again && !this.closed);
    } finally {
      this.scanning = false;
    }
  }
}
