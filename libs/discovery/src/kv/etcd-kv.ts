import type { Etcd3, IKeyValue } from 'etcd3';
import { etcdUnavailable } from '../backends/etcd-errors';
import { cancelled, EtcdPrefixWatch } from '../backends/etcd-watch';
import { type KvSettings, type KvWatchRequest, RegistryKv } from './registry-kv';

/**
 * etcd's key space over the registry's client (the same endpoints, credentials, deadlines and gRPC
 * channel; watches share its watch stream). A watch lists the prefix, then watches it from the
 * revision after that listing, so no change between the two is missed; a lost stream starts over
 * with a fresh listing after a backoff, as the registry's instance watches do.
 */
type EntriesWatch = EtcdPrefixWatch<string, Map<string, string>>;

export class EtcdKv extends RegistryKv<EntriesWatch> {
  readonly kind = 'etcd';

  constructor(
    private readonly client: Etcd3,
    settings: KvSettings,
  ) {
    super(settings);
  }

  async list(prefix: string): Promise<Map<string, string>> {
    try {
      const answer = await this.client.getAll().prefix(prefix).exec();
      const entries = new Map<string, string>();
      for (const kv of answer.kvs) {
        const value = textOf(kv);
        if (value !== undefined) entries.set(kv.key.toString(), value);
      }
      return entries;
    } catch (error) {
      throw etcdUnavailable(`list of ${prefix}`, error);
    }
  }

  /** Closes the watches and waits (a moment at most) until etcd has cancelled them. */
  override async close(): Promise<void> {
    await cancelled(this.closeWatches());
  }

  /** Closes every KV watch; returns them, so the registry can wait for their cancellation. */
  closeWatches(): EntriesWatch[] {
    return this.watches.closeAll();
  }

  protected openWatch(request: KvWatchRequest): EntriesWatch {
    const view = (entries: ReadonlyMap<string, string>) => entries as Map<string, string>;
    return new EtcdPrefixWatch({ ...request, client: this.client, decode: textOf, view }).start();
  }

  protected async write(key: string, value: string): Promise<void> {
    try {
      await this.client.put(key).value(value).exec();
    } catch (error) {
      throw etcdUnavailable(`put of ${key}`, error);
    }
  }

  protected async remove(key: string): Promise<void> {
    try {
      await this.client.delete().key(key).exec();
    } catch (error) {
      throw etcdUnavailable(`delete of ${key}`, error);
    }
  }
}

/** A key's text; an empty value counts as absent. */
function textOf(kv: IKeyValue): string | undefined {
  const value = kv.value.toString('utf8');
  return value === '' ? undefined : value;
}
