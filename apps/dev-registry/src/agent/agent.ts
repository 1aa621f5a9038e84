import { CheckRunner } from '../checks/check-runner';
import { truncateOutput } from '../checks/probe-result';
import type { Logger } from '@lab/common';
import type { CatalogStore, RegistrationResult } from '../state/catalog-store';
import type { CheckInput, CheckRecord, CheckStatus, ServiceInput } from '../state/types';

export interface AgentOptions {
  minCheckIntervalMs: number;
  logger: Logger;
}

export type TtlUpdate = 'ok' | 'unknown' | 'not-ttl';

/**
 * The write side of the node: keeps the catalog and the running checks in step. Every change of
 * service or check goes through here so that a check never runs without its record, nor a record
 * stays without its runner.
 */
export class Agent {
  private readonly runner: CheckRunner;
  private readonly logger: Logger;

  constructor(
    private readonly store: CatalogStore,
    options: AgentOptions,
  ) {
    this.logger = options.logger;
    this.runner = new CheckRunner({
      minIntervalMs: options.minCheckIntervalMs,
      onResult: (checkId, status, output) => this.record(checkId, status, output),
    });
  }

  registerService(
    service: ServiceInput,
    checks: readonly CheckInput[],
    replaceExistingChecks: boolean,
  ): RegistrationResult {
    const result = this.store.registerService(service, checks, replaceExistingChecks);
    for (const checkId of result.removedCheckIds) this.runner.stop(checkId);
    for (const check of result.checks) this.startCheck(check);
    this.logger.info(
      {
        serviceId: service.id,
        service: service.name,
        address: service.address,
        port: service.port,
        checks: checks.map((c) => c.checkId),
      },
      'service registered',
    );
    return result;
  }

  /** false when no agent-managed service has that ID. */
  deregisterService(serviceId: string, reason: 'request' | 'reaped' = 'request'): boolean {
    const removed = this.store.deregisterService(serviceId);
    if (!removed) return false;
    for (const checkId of removed.removedCheckIds) this.runner.stop(checkId);
    const log = { serviceId, service: removed.service.name, reason };
    if (reason === 'reaped') this.logger.warn(log, 'service deregistered: its check stayed critical too long');
    else this.logger.info(log, 'service deregistered');
    return true;
  }

  /** undefined when the check names a service the agent does not have. */
  registerCheck(check: CheckInput): CheckRecord | undefined {
    const record = this.store.registerCheck(check);
    if (record) {
      this.startCheck(record);
      this.logger.info({ checkId: record.checkId, serviceId: record.serviceId }, 'check registered');
    }
    return record;
  }

  deregisterCheck(checkId: string): boolean {
    if (!this.store.deregisterCheck(checkId)) return false;
    this.runner.stop(checkId);
    this.logger.info({ checkId }, 'check deregistered');
    return true;
  }

  /** A client's report for a TTL check (pass/warn/fail/update): sets the status and restarts its clock. */
  updateTtl(checkId: string, status: CheckStatus, output: string): TtlUpdate {
    const check = this.store.check(checkId);
    if (!check?.definition) return 'unknown';
    if (check.definition.kind !== 'ttl') return 'not-ttl';
    this.runner.heartbeat(checkId);
    this.record(checkId, status, truncateOutput(output));
    return 'ok';
  }

  close(): void {
    this.runner.stopAll();
  }

  private startCheck(check: CheckRecord): void {
    const definition = check.definition;
    if (!definition) return;
    if (definition.kind !== 'ttl' && this.runner.effectiveIntervalMs(definition.intervalMs) !== definition.intervalMs) {
      this.logger.warn(
        {
          checkId: check.checkId,
          intervalMs: definition.intervalMs,
          usedMs: this.runner.effectiveIntervalMs(definition.intervalMs),
        },
        'check interval below the minimum; using the minimum',
      );
    }
    this.runner.start(check.checkId, definition);
  }

  private record(checkId: string, status: CheckStatus, output: string): void {
    const before = this.store.check(checkId)?.status;
    if (this.store.updateCheck(checkId, status, output) !== 'changed') return;
    const check = this.store.check(checkId)!;
    const log = { checkId, serviceId: check.serviceId, from: before, to: status, output: check.output.slice(0, 200) };
    if (status === 'passing') this.logger.info(log, 'check status changed');
    else this.logger.warn(log, 'check status changed');
  }
}
