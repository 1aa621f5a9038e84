import type { Etcd3, Lease } from 'etcd3';
import { loadEtcd3 } from './etcd-module';
import { errorMessage, type Logger } from '@lab/common';

/** One instance this process registered: its key and the lease that keeps it alive. */
export interface LeasedKey {
  readonly id: string;
  key: string;
  readonly lease: Lease;
  /** etcd no longer has the lease (expired while unreachable, revoked, or etcd restarted empty). */
  lost: boolean;
}

/**
 * The leases behind this process's registrations, one per instance id, each kept alive by the
 * client's keep-alive stream (every TTL/3). A lease that etcd reports gone is marked lost and
 * announced once, so that whoever keeps the registration can put it back.
 */
export class EtcdLeases {
  private readonly held = new Map<string, LeasedKey>();
  private readonly lostListeners = new Set<(id: string) => void>();

  constructor(
    private readonly client: Etcd3,
    private readonly ttlSeconds: number,
    private readonly logger: Logger,
  ) {}

  get(id: string): LeasedKey | undefined {
    return this.held.get(id);
  }

  /**
   * Writes `value` at `key` under the instance's live lease, or under a new one. A write under a
   * lease etcd has forgotten (it restarted and our keep-alive has not noticed yet) is retried once
   * under a fresh lease.
   */
  async put(id: string, key: string, value: string): Promise<void> {
    const current = this.held.get(id);
    if (current !== undefined && !current.lost) {
      try {
        await current.lease.put(key).value(value).exec();
        if (current.key !== key) await this.client.delete().key(current.key).exec();
        current.key = key;
        return;
      } catch (error) {
        if (!(error instanceof loadEtcd3().EtcdLeaseInvalidError)) throw error;
        this.markLost(current, error);
      }
    }
    const granted = this.grant(id, key);
    try {
      await granted.lease.put(key).value(value).exec();
    } catch (error) {
      // The grant may have gone through: revoke it rather than leave it to expire unused.
      granted.lease.revoke().catch(() => undefined);
      throw error;
    }
    if (current !== undefined && current.key !== key) await this.client.delete().key(current.key).exec();
    this.held.set(id, granted);
  }

  /** Revokes the instance's lease, which deletes its key. False when no lease was held for it. */
  async revoke(id: string): Promise<boolean> {
    const entry = this.held.get(id);
    if (entry === undefined) return false;
    this.held.delete(id);
    if (entry.lost) {
      await this.client.delete().key(entry.key).exec();
    } else {
      await entry.lease.revoke();
    }
    return true;
  }

  onLost(listener: (id: string) => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  /** Stops every keep-alive without revoking: the keys live out their TTL. */
  releaseAll(): void {
    for (const entry of this.held.values()) entry.lease.release();
    this.held.clear();
    this.lostListeners.clear();
  }

  private grant(id: string, key: string): LeasedKey {
    const lease = this.client.lease(this.ttlSeconds);
    const entry: LeasedKey = { id, key, lease, lost: false };
    lease.on('lost', (error) => {
      // Losses of a lease that was replaced or never took (its grant failed) concern nobody.
      if (this.held.get(id) === entry) this.markLost(entry, error);
    });
    return entry;
  }

  private markLost(entry: LeasedKey, error: unknown): void {
    if (entry.lost) return;
    entry.lost = true;
    this.logger.warn(
      { id: entry.id, err: errorMessage(error) },
      'etcd lease lost; the instance is no longer registered',
    );
    for (const listener of this.lostListeners) {
      try {
        listener(entry.id);
      } catch (listenerError) {
        this.logger.error({ id: entry.id, err: errorMessage(listenerError) }, 'registration-lost listener threw');
      }
    }
  }
}
