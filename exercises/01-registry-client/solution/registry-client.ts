// Reference solution of exercise 1. Try the exercise before reading it.
import {
  NoHealthyInstanceError,
  RegistryRejectedError,
  RegistryUnavailableError,
  type Instance,
  type Registration,
  type RegistryClientOptions,
} from '../contract.ts';

/** The fields of a /v1/health/service/:name entry this client reads. */
interface HealthEntry {
  Node: { Address: string };
  Service: {
    ID: string;
    Service: string;
    Address: string;
    Port: number;
    Tags: string[] | null;
    Meta: Record<string, string> | null;
  };
}

export class RegistryClient {
  private readonly url: string;
  private readonly registerAttempts: number;
  private readonly retryDelayMs: number;
  private readonly failureCooldownMs: number;
  private readonly requestTimeoutMs: number;
  private readonly now: () => number;
  /** The last list the registry gave for each query: what discover() answers while it is down. */
  private readonly lastSeen = new Map<string, Instance[]>();
  /** When next() was told an instance failed, by id. */
  private readonly failedAt = new Map<string, number>();
  /** Round-robin position per service. */
  private readonly turn = new Map<string, number>();

  private readonly token?: string;

  constructor(options: RegistryClientOptions) {
    this.token = options.token;
    this.url = options.registryUrl.replace(/\/$/, '');
    this.registerAttempts = options.registerAttempts ?? 5;
    this.retryDelayMs = options.retryDelayMs ?? 200;
    this.failureCooldownMs = options.failureCooldownMs ?? 30_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 2000;
    this.now = options.now ?? Date.now;
  }

  /** Registers the instance with an HTTP check; retries with a doubling wait while the registry is unreachable. */
  async register(registration: Registration): Promise<void> {
    const body = {
      ID: registration.id,
      Name: registration.name,
      Address: registration.address,
      Port: registration.port,
      Tags: registration.tags ?? [],
      Meta: registration.meta ?? {},
      Check: {
        HTTP: registration.healthCheckUrl,
        Interval: registration.checkInterval ?? '10s',
        Timeout: '2s',
        DeregisterCriticalServiceAfter: registration.deregisterCriticalServiceAfter ?? '1m',
      },
    };
    for (let attempt = 1; ; attempt++) {
      try {
        await this.request('PUT', '/v1/agent/service/register', body);
        return;
      } catch (error) {
        // A refusal is an answer: sending the same request again cannot change it.
        if (!(error instanceof RegistryUnavailableError) || attempt >= this.registerAttempts) throw error;
        await new Promise((resolve) => setTimeout(resolve, this.retryDelayMs * 2 ** (attempt - 1)));
      }
    }
  }

  /** Removes the instance; one the registry does not know is already gone. */
  async deregister(id: string): Promise<void> {
    try {
      await this.request('PUT', `/v1/agent/service/deregister/${encodeURIComponent(id)}`);
    } catch (error) {
      if (!(error instanceof RegistryRejectedError && error.status === 404)) throw error;
    }
  }

  /** Instances whose checks all pass; the last known list while the registry is unreachable. */
  async discover(name: string, filter: { tag?: string } = {}): Promise<Instance[]> {
    const query = new URLSearchParams({ passing: 'true' });
    if (filter.tag) query.set('tag', filter.tag);
    const path = `/v1/health/service/${encodeURIComponent(name)}?${query}`;
    try {
      const entries = (await this.request('GET', path)) as HealthEntry[];
      const instances = entries.map(({ Node, Service }): Instance => ({
        id: Service.ID,
        name: Service.Service,
        // An empty service address means "the node's address" in Consul.
        address: Service.Address || Node.Address,
        port: Service.Port,
        tags: Service.Tags ?? [],
        meta: Service.Meta ?? {},
      }));
      this.lastSeen.set(path, instances);
      return instances;
    } catch (error) {
      const cached = this.lastSeen.get(path);
      if (error instanceof RegistryUnavailableError && cached) return cached;
      throw error;
    }
  }

  /** The next healthy instance in turn, skipping those reported failed within the cooldown. */
  async next(name: string): Promise<Instance> {
    const now = this.now();
    const candidates = (await this.discover(name)).filter((instance) => {
      const failed = this.failedAt.get(instance.id);
      return failed === undefined || now - failed >= this.failureCooldownMs;
    });
    if (candidates.length === 0) throw new NoHealthyInstanceError(`no healthy instance of ${name}`);
    const turn = this.turn.get(name) ?? 0;
    this.turn.set(name, turn + 1);
    return candidates[turn % candidates.length];
  }

  /** A call to this instance failed: next() leaves it out for the cooldown, before the registry notices. */
  reportFailure(instance: Instance): void {
    this.failedAt.set(instance.id, this.now());
  }

  private async request(method: 'GET' | 'PUT', path: string, body?: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${this.url}${path}`, {
        method,
        headers: this.token ? { 'x-consul-token': this.token } : {},
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.requestTimeoutMs),
      });
    } catch (error) {
      throw new RegistryUnavailableError(`${method} ${path}: ${(error as Error).message}`);
    }
    const text = await response.text();
    if (response.status >= 500) throw new RegistryUnavailableError(`${method} ${path}: ${response.status} ${text}`);
    if (!response.ok) throw new RegistryRejectedError(response.status, `${method} ${path}: ${response.status} ${text}`);
    return text === '' ? undefined : JSON.parse(text);
  }
}
