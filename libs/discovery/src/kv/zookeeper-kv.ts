import type { ZookeeperSession } from '../backends/zookeeper-session';
import { isNodeExists, isNoNode, isNotEmpty } from '../backends/zookeeper-session';
import { type NodeWatcher, ZookeeperWatch } from '../backends/zookeeper-watch';
import { type KvSettings, type KvWatchRequest, RegistryKv } from './registry-kv';

const EMPTY = Buffer.alloc(0);

/**
 * ZooKeeper nodes as a KV store, on the registry's session (one session per process: the same
 * connection, timeouts and stream-fault guard). Key "config/a/b" is node /config/a/b, its data the
 * value. Parent nodes are created empty and an empty node counts as absent, so a key can hold a
 * value and have children at once. A watch mirrors the subtree (ZookeeperTree): one-shot data and
 * child watches on every node, and when one fires only that node is read again (re-arming it);
 * after a reconnect or a new session (the old session's watches are gone) the whole subtree is
 * read again and delivered.
 */
export class ZookeeperKv extends RegistryKv<ZookeeperWatch<Map<string, string>>> {
  readonly kind = 'zookeeper';

  constructor(
    private readonly session: ZookeeperSession,
    settings: KvSettings,
  ) {
    super(settings);
  }

  list(prefix: string): Promise<Map<string, string>> {
    return new ZookeeperTree(this.session, prefix).read(undefined, undefined);
  }

  protected openWatch(request: KvWatchRequest): ZookeeperWatch<Map<string, string>> {
    const tree = new ZookeeperTree(this.session, request.prefix);
    const read = (watcher: NodeWatcher, changed: ReadonlySet<string> | undefined) => tree.read(watcher, changed);
    return new ZookeeperWatch({ ...request, session: this.session, path: `/${request.prefix}`, read }).start();
  }

  /**
   * Replaces the value in one round trip when the key exists, as it does for every change after
   * the first; only a new key creates its parents and itself. (ZooKeeper logs a failed create like
   * a write, so trying to create first would cost every change several synced round trips.)
   */
  protected async write(key: string, value: string): Promise<void> {
    const path = `/${key}`;
    const data = Buffer.from(value, 'utf8');
    try {
      await this.session.setData(path, data);
      return;
    } catch (error) {
      if (!isNoNode(error)) throw error;
    }
    const parent = parentPath(path);
    if (parent !== '/') await this.session.mkdirp(parent);
    try {
      await this.session.createPersistent(path, data);
    } catch (error) {
      // Created by someone else in between: write over it.
      if (!isNodeExists(error)) throw error;
      await this.session.setData(path, data);
    }
  }

  protected async remove(key: string): Promise<void> {
    const path = `/${key}`;
    try {
      await this.session.remove(path);
    } catch (error) {
      if (isNoNode(error)) return;
      // A node with children stays as a parent: clearing its data unsets the key.
      if (isNotEmpty(error)) await this.session.setData(path, EMPTY);
      else throw error;
    }
  }
}

/** One node of a mirrored subtree: its value (undefined when empty) and its children's names. */
interface MirroredNode {
  value: string | undefined;
  children: readonly string[];
}

/**
 * The subtree under one prefix, as last read, kept current from the watches' events. A full read
 * visits every node, arming a data and a child watch on each (and an existence watch on a missing
 * root); after that, only the nodes whose watches fired are read again (their data and children in
 * one round trip), a new child is visited, and a vanished one is dropped with what was below it.
 * A change to one key thus costs one round trip instead of a walk of the whole subtree.
 */
class ZookeeperTree {
  private readonly root: string;
  private readonly nodes = new Map<string, MirroredNode>();

  constructor(
    private readonly session: ZookeeperSession,
    private readonly prefix: string,
  ) {
    this.root = `/${prefix.replace(/^\/+|\/+$/g, '')}`;
  }

  /** Reads everything (`changed` undefined) or only the nodes in `changed`; returns every entry. */
  async read(watcher: NodeWatcher | undefined, changed: ReadonlySet<string> | undefined): Promise<Map<string, string>> {
    if (changed === undefined) {
      this.nodes.clear();
      if ((await this.session.exists(this.root, watcher)) !== undefined) await this.visit(this.root, watcher);
    } else {
      // Parents first: a child a parent's read drops or visits needs no read of its own.
      const paths = [...changed].filter((path) => this.covers(path)).sort((a, b) => a.length - b.length);
      for (const path of paths) await this.refresh(path, watcher);
    }
    return this.entries();
  }

  /** Reads `path` and everything below it. */
  private async visit(path: string, watcher: NodeWatcher | undefined): Promise<void> {
    const node = await this.readNode(path, watcher);
    if (node === undefined) return; // deleted while we walked: the parent's child watch reports it
    this.nodes.set(path, node);
    await Promise.all(node.children.map((child) => this.visit(childPath(path, child), watcher)));
  }

  /** Reads `path` again after its watch fired, and follows what changed among its children. */
  private async refresh(path: string, watcher: NodeWatcher | undefined): Promise<void> {
    const before = this.nodes.get(path);
    if (before === undefined && path !== this.root && !this.nodes.has(parentPath(path))) return;
    const node = await this.readNode(path, watcher);
    if (node === undefined) {
      this.drop(path);
      // Gone: wait for it to come back (created in between: read it now).
      if (path === this.root && (await this.session.exists(path, watcher)) !== undefined)
        await this.visit(path, watcher);
      return;
    }
    this.nodes.set(path, node);
    const had = new Set(before?.children ?? []);
    const has = new Set(node.children);
    for (const child of had) if (!has.has(child)) this.drop(childPath(path, child));
    await Promise.all(
      node.children.filter((child) => !had.has(child)).map((child) => this.visit(childPath(path, child), watcher)),
    );
  }

  /** A node's data and children, watched, in one round trip; undefined when it does not exist. */
  private async readNode(path: string, watcher: NodeWatcher | undefined): Promise<MirroredNode | undefined> {
    try {
      const [data, children] = await Promise.all([
        this.session.getData(path, watcher),
        this.session.getChildren(path, watcher),
      ]);
      return { value: data && data.length > 0 ? data.toString('utf8') : undefined, children };
    } catch (error) {
      if (isNoNode(error)) return undefined;
      throw error;
    }
  }

  private drop(path: string): void {
    for (const known of [...this.nodes.keys()])
      if (known === path || known.startsWith(`${path}/`)) this.nodes.delete(known);
  }

  private covers(path: string): boolean {
    return path === this.root || path.startsWith(this.root === '/' ? '/' : `${this.root}/`);
  }

  private entries(): Map<string, string> {
    const entries = new Map<string, string>();
    for (const [path, node] of this.nodes) {
      const key = path.slice(1);
      if (node.value !== undefined && key.startsWith(this.prefix)) entries.set(key, node.value);
    }
    return entries;
  }
}

const childPath = (parent: string, child: string): string => (parent === '/' ? `/${child}` : `${parent}/${child}`);
const parentPath = (path: string): string => path.slice(0, path.lastIndexOf('/')) || '/';
