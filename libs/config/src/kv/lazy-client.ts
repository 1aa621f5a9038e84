import { KvUnavailableError } from './kv-source';

/**
 * A client made on first use and shared after that. A failed connect is forgotten so the next call
 * tries again; `reset` drops a client that went bad (a ZooKeeper session that expired).
 */
export class LazyClient<C extends { close(): void }> {
  private pending: Promise<C> | undefined;
  private closed = false;

  constructor(
    private readonly backend: string,
    private readonly connect: () => Promise<C>,
    private readonly dispose: (client: C) => void = (client) => client.close(),
  ) {}

  get(): Promise<C> {
    if (this.closed) return Promise.reject(new KvUnavailableError(this.backend, 'closed'));
    if (!this.pending) {
      const attempt = this.connect();
      this.pending = attempt;
      attempt.catch(() => {
        if (this.pending === attempt) this.pending = undefined;
      });
    }
    return this.pending;
  }

  /** Forgets `client` if it is the current one, so the next get() connects anew. */
  reset(client: C): void {
    const current = this.pending;
    void current?.then((c) => {
      if (c === client && this.pending === current) this.pending = undefined;
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  async close(): Promise<void> {
    this.closed = true;
    const pending = this.pending;
    this.pending = undefined;
    const client = pending ? await pending.catch(() => undefined) : undefined;
    if (client) this.dispose(client);
  }
}
