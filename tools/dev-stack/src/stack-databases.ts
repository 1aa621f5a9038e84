import { mkdirSync } from 'node:fs';
import path from 'node:path';

import { SERVICES, type ServiceName } from './args';
import type { ManagedProcess } from './managed-process';
import { freePort } from './ports';
import type { StackProcesses } from './stack-processes';

/** Pool size of each instance on an embedded database. */
const EMBEDDED_POOL_MAX = 4;

export type DatabaseUrls = Record<ServiceName, { url: string; embedded: boolean }>;

interface EmbeddedDatabase {
  process: ManagedProcess;
  /** Starts the server (again) with the same port and data directory; resolves with its URL. */
  launch(): Promise<{ url: string }>;
}

export interface StackDatabasesOptions {
  processes: StackProcesses;
  /** libs/embedded-postgres/dist/main.js */
  script: string;
  env: NodeJS.ProcessEnv;
  replicas: (service: ServiceName) => number;
  /** Keep each embedded database in `<dataDir>/<service>`, so that it survives a restart. */
  dataDir?: string;
  timeoutMs: number;
}

/**
 * One database per service: the one `<SERVICE>_DATABASE_URL` names, or an embedded Postgres
 * (PGlite behind the wire protocol) the stack starts, shared by that service's replicas.
 */
export class StackDatabases {
  readonly urls = {} as DatabaseUrls;
  private readonly embedded = new Map<ServiceName, EmbeddedDatabase>();

  private constructor(private readonly o: StackDatabasesOptions) {}

  static async open(o: StackDatabasesOptions): Promise<StackDatabases> {
    const databases = new StackDatabases(o);
    await Promise.all(SERVICES.map((service) => databases.open(service)));
    return databases;
  }

  /** One line for the start-up progress. */
  describe(): string {
    const kind = (s: ServiceName) => (this.urls[s].embedded ? 'embedded (PGlite)' : 'from environment');
    return `databases: ${SERVICES.map((s) => `${s} ${kind(s)}`).join(', ')}`;
  }

  /** What an instance of `service` needs to reach its database. */
  envFor(service: ServiceName): NodeJS.ProcessEnv {
    const db = this.urls[service];
    // PGlite is one session underneath: the embedded server runs each connection's unit of work
    // whole and transactions one at a time, so a few pooled connections per instance are plenty.
    return db.embedded
      ? { DATABASE_URL: db.url, DATABASE_POOL_MAX: String(EMBEDDED_POOL_MAX) }
      : { DATABASE_URL: db.url };
  }

  /** Stops a service's embedded database (SIGTERM, or `signal`); its instances keep running. */
  async stop(service: ServiceName, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const db = this.embeddedOf(service);
    if (signal === 'SIGTERM') return db.process.stop();
    db.process.kill(signal);
    await db.process.exited;
  }

  /** Starts a stopped embedded database again on the same port. */
  async start(service: ServiceName): Promise<void> {
    const db = this.embeddedOf(service);
    if (db.process.running) throw new Error(`the database of ${service} is still running`);
    await db.launch();
  }

  private async open(service: ServiceName): Promise<void> {
    const given = this.o.env[`${service.toUpperCase().replaceAll('-', '_')}_DATABASE_URL`];
    if (given) {
      this.urls[service] = { url: given, embedded: false };
      return;
    }
    const connections = this.o.replicas(service) * EMBEDDED_POOL_MAX + 4;
    const args = ['--port', String(await freePort()), '--max-connections', String(connections)];
    if (this.o.dataDir) {
      const dir = path.join(this.o.dataDir, service);
      mkdirSync(dir, { recursive: true });
      args.push('--data-dir', dir);
    }
    const launch = async () => {
      const process = this.o.processes.spawn(`${service}-postgres`, this.o.script, args, this.o.env);
      this.embedded.set(service, { process, launch });
      return process.waitForJsonLine(
        (v): v is { url: string } => typeof (v as { url?: unknown })?.url === 'string',
        this.o.timeoutMs,
      );
    };
    const { url } = await launch();
    this.urls[service] = { url, embedded: true };
  }

  private embeddedOf(service: ServiceName): EmbeddedDatabase {
    const db = this.embedded.get(service);
    if (!db) throw new Error(`the database of ${service} is not an embedded one the stack started`);
    return db;
  }
}
