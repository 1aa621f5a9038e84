import type { Event } from 'node-zookeeper-client';
import type { ZookeeperSession } from '../backends/zookeeper-session';
import { isNodeExists, isNoNode, isNotEmpty } from '../backends/zookeeper-session';
import { ZookeeperWatch } from '../backends/zookeeper-watch';
import { type KvSettings, type KvWatchRequest, RegistryKv } from './registry-kv';

const EMPTY = Buffer.alloc(0);

/**
 * ZooKeeper nodes as a KV store, on the registry's session (one session per process: the same
 * connection, timeouts and stream-fault guard). Key "config/a/b" is node /config/a/b, its data the
 * value. Parent nodes are created empty and an empty node counts as absent, so a key can hold a
 * value and have children at once. A watch arms one-shot data and child watches on every node of
 * the subtree and reads the subtree again whenever one fires (re-arming them), which is cheap for a
 * configuration tree of tens of nodes; after a reconnect or a new session (the old session's
 * watches are gone) it reads the subtree again and delivers.
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
    return readTree(this.session, prefix, undefined);
  }

  protected openWatch(request: KvWatchRequest): ZookeeperWatch<Map<string, string>> {
    const { session } = this;
    const read = (watcher: (event?: Event) => void) => readTree(session, request.prefix, watcher);
    return new ZookeeperWatch({ ...request, session, path: `/${request.prefix}`, read }).start();
  }

  protected async write(key: string, value: string): Promise<void> {
    const path = `/${key}`;
    const data = Buffer.from(value, 'utf8');
    const parent = path.slice(0, path.lastIndexOf('/'));
    if (parent !== '') await this.session.mkdirp(parent);
    try {
      await this.session.createPersistent(path, data);
    } catch (error) {
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

/**
 * Every non-empty node under `prefix`. With `watcher`, arms a data and a child watch on each node
 * (or an existence watch on a missing root); the client keeps one registration per function and path.
 */
async function readTree(
  session: ZookeeperSession,
  prefix: string,
  watcher: ((event?: Event) => void) | undefined,
): Promise<Map<string, string>> {
  const root = `/${prefix.replace(/^\/+|\/+$/g, '')}`;
  const entries = new Map<string, string>();
  const visit = async (path: string): Promise<void> => {
    let data: Buffer | null;
    let children: string[];
    try {
      data = await session.getData(path, watcher);
      children = await session.getChildren(path, watcher);
    } catch (error) {
      // Deleted while we walked: the parent's child watch reports it.
      if (isNoNode(error)) return;
      throw error;
    }
    const key = path.slice(1);
    if (data && data.length > 0 && key.startsWith(prefix)) entries.set(key, data.toString('utf8'));
    await Promise.all(children.map((child) => visit(path === '/' ? `/${child}` : `${path}/${child}`)));
  };
  if ((await session.exists(root, watcher)) !== undefined) await visit(root);
  return entries;
}
