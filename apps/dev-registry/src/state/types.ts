export type CheckStatus = 'passing' | 'warning' | 'critical';

export const CHECK_STATUSES: readonly CheckStatus[] = ['passing', 'warning', 'critical'];

/** What the agent runs for a check; times in milliseconds. */
export type CheckDefinition =
  | {
      kind: 'http';
      http: string;
      method: string;
      header: Readonly<Record<string, readonly string[]>>;
      body: string;
      tlsSkipVerify: boolean;
      tlsServerName: string;
      intervalMs: number;
      timeoutMs: number;
      deregisterCriticalServiceAfterMs?: number;
    }
  | {
      kind: 'tcp';
      tcp: string;
      intervalMs: number;
      timeoutMs: number;
      deregisterCriticalServiceAfterMs?: number;
    }
  | { kind: 'ttl'; ttlMs: number; deregisterCriticalServiceAfterMs?: number };

export interface Weights {
  Passing: number;
  Warning: number;
}

export interface ServiceInput {
  id: string;
  name: string;
  address: string;
  port: number;
  tags: readonly string[];
  meta: Readonly<Record<string, string>>;
  enableTagOverride: boolean;
  weights: Weights;
}

export interface ServiceRecord extends ServiceInput {
  /** false for the built-in `consul` service, which the agent endpoints neither list nor remove. */
  readonly agentManaged: boolean;
  readonly createIndex: number;
  readonly modifyIndex: number;
}

export interface CheckInput {
  checkId: string;
  name: string;
  notes: string;
  /** '' for a node-level check. */
  serviceId: string;
  /** Initial status; when absent a new check starts critical and a re-registered one keeps its status. */
  status?: CheckStatus;
  definition: CheckDefinition;
}

export interface CheckRecord {
  readonly checkId: string;
  readonly name: string;
  readonly notes: string;
  readonly serviceId: string;
  readonly serviceName: string;
  readonly status: CheckStatus;
  readonly output: string;
  /** undefined for serfHealth, which the agent does not run. */
  readonly definition?: CheckDefinition;
  /** Wall-clock ms at which the current status began (the reaper measures critical time from it). */
  readonly statusSince: number;
  readonly createIndex: number;
  readonly modifyIndex: number;
}

export interface NodeRecord {
  readonly id: string;
  readonly name: string;
  readonly address: string;
  readonly datacenter: string;
  readonly createIndex: number;
  readonly modifyIndex: number;
}

export interface KvEntry {
  readonly key: string;
  readonly value: Buffer;
  readonly flags: number;
  readonly createIndex: number;
  readonly modifyIndex: number;
}
