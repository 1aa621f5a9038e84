import { MemoryRegistry } from '@lab/discovery';
import type { PolicyOverrides } from '@lab/resilience';
import pino from 'pino';
import { createDependencies } from './dependencies';

const hang = () => new Promise<never>(() => undefined);

describe('createDependencies: each policy follows its settings', () => {
  let settings: PolicyOverrides | undefined;
  const open = (meshMode = false) =>
    createDependencies({
      registry: new MemoryRegistry(),
      timeoutMs: 40,
      meshMode,
      policySettings: () => settings,
      balancer: 'round-robin',
      log: pino({ level: 'silent' }),
    });
  const timeoutOf = async (policy: { execute(fn: () => Promise<never>): Promise<unknown> }) =>
    ((await policy.execute(hang).catch((e: unknown) => e)) as { timeoutMs?: number }).timeoutMs;

  beforeEach(() => (settings = undefined));

  it('gives a setting removed from the configuration back its default', async () => {
    const dependencies = open();
    settings = { timeoutMs: 10, retry: { maxAttempts: 1 } };
    const policy = dependencies.policyFor('catalogue');
    expect(await timeoutOf(policy)).toBe(10);

    settings = { retry: { maxAttempts: 1 } }; // timeoutMs removed: OUTBOUND_TIMEOUT_MS again
    dependencies.updatePolicies();
    expect(await timeoutOf(policy)).toBe(40);
    await dependencies.close();
  });

  it('changes only what the settings name, keeping the rest at its default', async () => {
    const dependencies = open();
    const policy = dependencies.policyFor('catalogue');
    settings = { retriesEnabled: false };
    dependencies.updatePolicies();
    expect(policy.snapshot().retries.enabled).toBe(false);
    expect(await timeoutOf(policy)).toBe(40);
    await dependencies.close();
  });

  it('never retries in mesh mode, whatever the settings say', async () => {
    settings = { retriesEnabled: true };
    const dependencies = open(true);
    const policy = dependencies.policyFor('catalogue');
    expect(policy.snapshot().retries.enabled).toBe(false);
    dependencies.updatePolicies();
    expect(policy.snapshot().retries.enabled).toBe(false);
    await dependencies.close();
  });
});
