import { type BackoffOptions, errorMessage, type Logger, OpenWatches, silentLogger } from '@lab/common';
import type {
  InstanceFilter,
  InstanceListener,
  InstanceWatch,
  RegistryCapabilities,
  ServiceInstance,
  ServiceRegistration,
  ServiceRegistry,
} from '../types';
import type { InstanceRecord } from './instance-record';
import { assertPathSafe, decodeInstanceRecord, encodeInstanceRecord, passingInstances } from './instance-record';
import { isNodeExists, isNoNode, ZookeeperSession } from './zookeeper-session';
import { instanceDelivery } from '../internal/watch-delivery';
import { type NodeWatcher, ZookeeperWatch } from './zookeeper-watch';
import { ZookeeperKv } from '../kv/zookeeper-kv';

export interface ZookeeperRegistryOptions {
  /** Connection string: "host:port[,host:port...]". */
  connect: string;
  /** How long the server keeps a silent session (and its instances). Default 10000; the server clamps it. */
  sessionTimeoutMs?: number;
  /** Longest wait for a connection plus one request. Default 5000. */
  requestTimeoutMs?: number;
  /** Delay before a failed watch read is tried again. Default 200ms doubling up to 5000ms, with jitter. */
  watchBackoff?: BackoffOptions;
  logger?: Logger;
}

/** Every instance is the ephemeral node `/services/<name>/<id>`. */
export const ZOOKEEPER_ROOT = '/services';

const servicePath = (name: string): string => `${ZOOKEEPER_ROOT}/${name}`;

interface OwnedNode {
  path: string;
  data: Buffer;
}

/**
 * The registry contract over ZooKeeper: each instance is an ephemeral node holding its JSON
 * document, under persistent parent nodes. The node lives as long as this process's session: when
 * the process dies the server expires the session after its timeout and deletes the node, and
 * watchers hear it at once.
 *
 * When the session itself expires (a long disconnection, or a server that restarted without its
 * data) the nodes are gone; a new session is opened and this registry creates its nodes again.
 * ZooKeeper runs no health checks: an instance's status is what it registered, and only 'passing'
 * instances are listed. The KV store (`kv`) runs on the same session, so a process holds one.
 */
export class ZookeeperRegistry implements ServiceRegistry {
  readonly kind = 'zookeeper';
  readonly capabilities: RegistryCapabilities = { healthChecks: false, pushWatch: true, selfRegistration: true };
  readonly kv: ZookeeperKv;
  private readonly session: ZookeeperSession;
  private readonly logger: Logger;
  private readonly watchBackoff: BackoffOptions;
  private readonly owned = new Map<string, OwnedNode>();
  private readonly watches = new OpenWatches<ZookeeperWatch<ServiceInstance[]>>();
  private readonly lostListeners = new Set<(id: string) => void>();

  constructor(o: ZookeeperRegistryOptions) {
    this.logger = o.logger ?? silentLogger;
    this.watchBackoff = { baseDelayMs: 200, maxDelayMs: 5000, jitter: 'equal', ...o.watchBackoff };
    this.session = new ZookeeperSession({
      connect: o.connect,
      sessionTimeoutMs: o.sessionTimeoutMs ?? 10_000,
      requestTimeoutMs: o.requestTimeoutMs ?? 5000,
      logger: this.logger,
    });
    this.session.listen({ expired: () => this.sessionExpired(), renewed: () => void this.recreateOwned() });
    this.kv = new ZookeeperKv(this.session, { backoff: this.watchBackoff, logger: this.logger });
  }

  /** The session timeout the server granted, in ms (0 before the first connection). */
  get sessionTimeoutMs(): number {
    return this.session.sessionTimeoutMs;
  }

  async register(r: ServiceRegistration): Promise<void> {
    assertPathSafe(r);
    const node: OwnedNode = { path: `${servicePath(r.name)}/${r.id}`, data: Buffer.from(encodeInstanceRecord(r)) };
    await this.write(node);
    const previous = this.owned.get(r.id);
    this.owned.set(r.id, node);
    if (previous !== undefined && previous.path !== node.path) await this.removeNode(previous.path);
  }

  async deregister(id: string): Promise<void> {
    const node = this.owned.get(id);
    this.owned.delete(id);
    const paths = node !== undefined ? [node.path] : await this.pathsOf(id);
    for (const path of paths) await this.removeNode(path);
  }

  /** Nothing to do: the client's pings keep the session, and so the instance, alive. */
  async heartbeat(_id: string): Promise<void> {}

  async isRegistered(id: string): Promise<boolean> {
    const node = this.owned.get(id);
    if (node === undefined) return (await this.pathsOf(id)).length > 0;
    // The node must belong to this session: one left by an expired session is about to vanish.
    const stat = await this.session.exists(node.path);
    return stat !== undefined && this.session.ownsNode(stat);
  }

  onRegistrationLost(listener: (id: string) => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  healthyInstances(name: string, filter?: InstanceFilter): Promise<ServiceInstance[]> {
    return this.readInstances(name, filter, undefined);
  }

  watch(name: string, listener: InstanceListener, filter?: InstanceFilter): InstanceWatch {
    return this.watches
      .add(
        (onClosed) =>
          new ZookeeperWatch({
            session: this.session,
            path: servicePath(name),
            read: (watcher) => this.readInstances(name, filter, watcher),
            delivery: instanceDelivery(listener, name, this.logger),
            backoff: this.watchBackoff,
            context: { service: name },
            logger: this.logger,
            onClosed,
          }),
      )
      .start();
  }

  /**
   * Stops watches and closes the session. Closing a session deletes its ephemeral nodes at once,
   * so every instance this registry registered disappears now rather than after the timeout.
   */
  async close(): Promise<void> {
    this.watches.closeAll();
    await this.kv.close();
    this.lostListeners.clear();
    await this.session.close();
  }

  /**
   * Creates the node, or replaces what is there: an ephemeral node of our own session is updated
   * in place; one left by an older session (this process restarted within its timeout) is removed
   * first, because it would vanish with that session.
   */
  private async write(node: OwnedNode): Promise<void> {
    await this.session.mkdirp(node.path.slice(0, node.path.lastIndexOf('/')));
    try {
      await this.session.createEphemeral(node.path, node.data);
      return;
    } catch (error) {
      if (!isNodeExists(error)) throw error;
    }
    const stat = await this.session.exists(node.path);
    if (stat !== undefined && this.session.ownsNode(stat)) {
      await this.session.setData(node.path, node.data);
      return;
    }
    await this.removeNode(node.path);
    await this.session.createEphemeral(node.path, node.data);
  }

  private async removeNode(path: string): Promise<void> {
    try {
      await this.session.remove(path);
    } catch (error) {
      if (!isNoNode(error)) throw error;
    }
  }

  /**
   * The passing instances of a service: each child of `/services/<name>` is one. With `watcher`, a
   * child watch on the service node (instances come and go), a data watch on each instance node
   * (status or metadata changed), and an existence watch while the service node does not exist yet.
   */
  private async readInstances(
    name: string,
    filter: InstanceFilter | undefined,
    watcher: NodeWatcher | undefined,
  ): Promise<ServiceInstance[]> {
    const path = servicePath(name);
    let children: string[];
    try {
      children = await this.session.getChildren(path, watcher);
    } catch (error) {
      if (!isNoNode(error)) throw error;
      // No instance has ever registered: wait for the service node to appear (created in between: read again).
      if (watcher !== undefined && (await this.session.exists(path, watcher)) !== undefined) watcher();
      return [];
    }
    const records = await Promise.all(children.map((child) => this.readRecord(`${path}/${child}`, watcher)));
    return passingInstances(
      records.filter((record): record is InstanceRecord => record !== undefined),
      filter,
    );
  }

  private async readRecord(path: string, watcher: NodeWatcher | undefined): Promise<InstanceRecord | undefined> {
    try {
      return decodeInstanceRecord((await this.session.getData(path, watcher)).toString());
    } catch (error) {
      if (isNoNode(error)) return undefined; // deleted since the listing; the child watch says so
      throw error;
    }
  }

  /** Finds an instance registered by someone else (or before this process started) by its id. */
  private async pathsOf(id: string): Promise<string[]> {
    let services: string[];
    try {
      services = await this.session.getChildren(ZOOKEEPER_ROOT);
    } catch (error) {
      if (isNoNode(error)) return [];
      throw error;
    }
    const candidates = services.map((name) => `${servicePath(name)}/${id}`);
    const stats = await Promise.all(candidates.map((path) => this.session.exists(path)));
    return candidates.filter((_, i) => stats[i] !== undefined);
  }

  private sessionExpired(): void {
    for (const id of this.owned.keys()) {
      this.logger.warn({ id }, 'zookeeper session expired; the instance is no longer registered');
      for (const listener of this.lostListeners) {
        try {
          listener(id);
        } catch (error) {
          this.logger.error({ id, err: errorMessage(error) }, 'registration-lost listener threw');
        }
      }
    }
  }

  /** The new session holds none of the old one's nodes: create them again. */
  private async recreateOwned(): Promise<void> {
    for (const [id, node] of this.owned) {
      try {
        await this.write(node);
        this.logger.info({ id }, 'instance registered again in the new zookeeper session');
      } catch (error) {
        this.logger.warn({ id, err: errorMessage(error) }, 'could not register again in the new zookeeper session');
      }
    }
  }
}
