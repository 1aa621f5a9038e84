/**
 * The single, monotonically increasing write index (Consul's Raft index) shared by the catalog and
 * the KV store, plus the notification blocking queries wait on. Every write takes the next index,
 * applies itself, then publishes; waiters re-read their own index and decide whether to wake.
 */
export class ChangeFeed {
  private index = 0;
  private readonly listeners = new Set<() => void>();

  /** The last index handed out (0 before the first write). */
  get lastIndex(): number {
    return this.index;
  }

  /** Reserves the index of the write about to happen. */
  next(): number {
    this.index += 1;
    return this.index;
  }

  /** Tells every waiter that state moved; call once per write, after applying it. */
  publish(): void {
    for (const listener of this.listeners) listener();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }
}
