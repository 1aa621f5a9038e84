import type { ChangeFeed } from './change-feed';
import type { KvEntry } from './types';

/**
 * Consul's key/value store on one node. Deleted keys leave a tombstone holding the index of their
 * deletion, so a blocking read of a prefix wakes up when a key under it disappears (Consul keeps
 * tombstones for the same reason). A tombstone goes when its key is written again.
 */
export class KvStore {
  private readonly entries = new Map<string, KvEntry>();
  private readonly tombstones = new Map<string, number>();
  private tableIndex = 0;

  constructor(private readonly feed: ChangeFeed) {}

  get(key: string): KvEntry | undefined {
    return this.entries.get(key);
  }

  /** Entries whose key starts with `prefix`, ordered by key. */
  list(prefix: string): KvEntry[] {
    const found: KvEntry[] = [];
    for (const entry of this.entries.values()) if (entry.key.startsWith(prefix)) found.push(entry);
    return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /**
   * Keys under `prefix`; with a separator, each key is cut after the first separator that follows
   * the prefix and duplicates are folded, which lists one "directory" level.
   */
  keys(prefix: string, separator?: string): string[] {
    const keys: string[] = [];
    let last: string | undefined;
    for (const { key } of this.list(prefix)) {
      let shown = key;
      if (separator) {
        const at = key.indexOf(separator, prefix.length);
        if (at >= 0) shown = key.slice(0, at + separator.length);
      }
      // list() is sorted, so folded duplicates are adjacent.
      if (shown !== last) keys.push(shown);
      last = shown;
    }
    return keys;
  }

  /**
   * Writes a key. With `cas` the write happens only when the key's ModifyIndex equals it (0: only
   * when the key does not exist). Returns whether it was written.
   */
  put(key: string, value: Buffer, flags: number, cas?: number): boolean {
    const current = this.entries.get(key);
    if (cas !== undefined && (current?.modifyIndex ?? 0) !== cas) return false;
    const index = this.feed.next();
    this.entries.set(key, {
      key,
      value,
      flags,
      createIndex: current?.createIndex ?? index,
      modifyIndex: index,
    });
    this.tombstones.delete(key);
    this.tableIndex = index;
    this.feed.publish();
    return true;
  }

  /** Deletes one key; with `cas` only when its ModifyIndex equals it. A missing key is a no-op success. */
  delete(key: string, cas?: number): boolean {
    const current = this.entries.get(key);
    if (cas !== undefined && (current?.modifyIndex ?? 0) !== cas) return false;
    if (!current) return true;
    const index = this.feed.next();
    this.entries.delete(key);
    this.tombstones.set(key, index);
    this.tableIndex = index;
    this.feed.publish();
    return true;
  }

  /** Deletes every key under `prefix`. */
  deleteTree(prefix: string): void {
    const doomed = this.list(prefix);
    if (doomed.length === 0) return;
    const index = this.feed.next();
    for (const { key } of doomed) {
      this.entries.delete(key);
      this.tombstones.set(key, index);
    }
    this.tableIndex = index;
    this.feed.publish();
  }

  /** Blocking index of a single-key read: its ModifyIndex, or the table's index when missing. */
  keyIndex(key: string): number {
    return this.entries.get(key)?.modifyIndex ?? this.tableIndex;
  }

  /** Blocking index of a prefix read: the newest write or deletion under it, else the table's index. */
  prefixIndex(prefix: string): number {
    let max = 0;
    for (const entry of this.entries.values()) {
      if (entry.modifyIndex > max && entry.key.startsWith(prefix)) max = entry.modifyIndex;
    }
    for (const [key, index] of this.tombstones) {
      if (index > max && key.startsWith(prefix)) max = index;
    }
    return max === 0 ? this.tableIndex : max;
  }
}
