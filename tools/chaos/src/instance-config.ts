import { readFileSync } from 'node:fs';

import type { StackStateInstance } from '@lab/stack-state';

/** The `fault.*` values an instance has in force, as its /admin/config reports them. */
export type FaultValues = Record<string, unknown>;

/** The stack's admin token, or undefined when its file cannot be read (another user's stack). */
export function readAdminToken(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** What one instance applies now under `fault`, flattened (`fault.abort.httpStatus`: 503). */
export async function faultInForce(instance: StackStateInstance, adminToken: string): Promise<FaultValues> {
  const response = await fetch(`${instance.url}/admin/config`, {
    headers: { authorization: `Bearer ${adminToken}` },
    signal: AbortSignal.timeout(1000),
  });
  if (!response.ok) throw new Error(`${instance.id}: /admin/config answered ${response.status}`);
  const report = (await response.json()) as { values: Record<string, { value: unknown }> };
  return Object.fromEntries(
    Object.entries(report.values)
      .filter(([path]) => path.startsWith('fault.'))
      .map(([path, { value }]) => [path, value]),
  );
}

/** The same setting flattened the way /admin/config reports it. */
export function flattenFault(fault: Record<string, Record<string, unknown> | undefined>): FaultValues {
  const values: FaultValues = {};
  for (const [kind, fields] of Object.entries(fault)) {
    for (const [field, value] of Object.entries(fields ?? {})) values[`fault.${kind}.${field}`] = value;
  }
  return values;
}
