import { assertKvKey } from '@lab/common';
import type { KvSource, KvWatch } from './kv-source';

interface MemoryWatcher {
  prefix: string;
  onChange(entries: Map<string, string>): void;
}

/**
 * An in-process KV store with the same watch semantics as the real backends (callbacks arrive
 * asynchronously, the first with the current state). For unit tests and single-process examples.
 */
export class MemoryKv implements KvSource {
  readonly kind = 'memory';
  private readonly entries = new Map<string, string>();
  private readonly watchers = new Set<MemoryWatcher>();

  constructor(initial: Record<string, string> = {}) {
    for (const [key, value] of Object.entries(initial)) {
      assertKvKey(this.kind, key);
      if (value !== '') this.entries.set(key, value);
    }
  }

  async list(prefix: string): Promise<Map<string, string>> {
    return this.snapshot(prefix);
  }

  watch(prefix: string, onChange: (entries: Map<string, string>) => void): KvWatch {
    const watcher: MemoryWatcher = { prefix, onChange };
    this.watchers.add(watcher);
    queueMicrotask(() => {
      if (this.watchers.has(watcher)) onChange(this.snapshot(prefix));
    });
    return { close: () => void this.watchers.delete(watcher) };
  }

  async put(key: string, value: string): Promise<void> {
    assertKvKey(this.kind, key);
    if (value === '') this.entries.delete(key);
    else this.entries.set(key, value);
    this.changed(key);
  }

  async delete(key: string): Promise<void> {
    if (this.entries.delete(key)) this.changed(key);
  }

  async close(): Promise<void> {
    this.watchers.clear();
  }

  private snapshot(prefix: string): Map<string, string> {
    const result = new Map<string, string>();
    for (const [key, value] of this.entries) if (key.startsWith(prefix)) result.set(key, value);
    return result;
  }

  private changed(key: string): void {
    for (const watcher of this.watchers) {
      if (!key.startsWith(watcher.prefix)) continue;
      const entries = this.snapshot(watcher.prefix);
      queueMicrotask(() => {
        if (this.watchers.has(watcher)) watcher.onChange(entries);
      });
    }
  }
}
