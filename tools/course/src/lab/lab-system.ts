import { readFileSync } from 'node:fs';

import { httpOrigin } from '@lab/common';
import { z } from 'zod';

import type { LabInstance, LabSystem } from './lab-definition';

/** The variables a student exports in a lab's first step, and what `npm start` uses by default. */
const labEnvironment = z.object({
  CONSUL_HTTP_ADDR: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:8500'),
  CONSUL_HTTP_TOKEN: z.string().optional(),
  ADMIN_TOKEN: z.string().optional(),
  /** Where `npm start` keeps the admin token (its banner exports this): read when ADMIN_TOKEN is unset. */
  ADMIN_TOKEN_FILE: z.string().optional(),
  GW: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:8080'),
});

export class LabEnvironmentError extends Error {
  override readonly name = 'LabEnvironmentError';
}

/** A request to the running system that did not get an answer, or got an error status. */
export class SystemRequestError extends Error {
  override readonly name = 'SystemRequestError';
}

/** The part of Consul's `/v1/health/service/<name>` answer that locates an instance. */
interface HealthEntry {
  Service: { ID: string; Address: string; Port: number };
  Node?: { Address?: string };
}

/** The student's running stack as the lab's variables describe it. */
export function labSystemFromEnv(env: NodeJS.ProcessEnv, timeoutMs = 5000): LabSystem {
  const parsed = labEnvironment.safeParse(
    Object.fromEntries(Object.entries(env).filter(([, value]) => value !== '')) as Record<string, string>,
  );
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new LabEnvironmentError(`the lab's variables are not usable: ${issues}`);
  }
  const { CONSUL_HTTP_ADDR, CONSUL_HTTP_TOKEN, ADMIN_TOKEN_FILE, GW } = parsed.data;
  const ADMIN_TOKEN = parsed.data.ADMIN_TOKEN ?? (ADMIN_TOKEN_FILE && readAdminToken(ADMIN_TOKEN_FILE));
  const address = CONSUL_HTTP_ADDR.replace(/\/$/, '');

  async function getJson<T>(
    url: string,
    o: { what: string; shown: string; headers: Record<string, string>; forbidden: string; text?: boolean },
  ): Promise<T | undefined> {
    let response: Response;
    try {
      response = await fetch(url, { headers: o.headers, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new SystemRequestError(`no answer from ${o.what} (${cause})`);
    }
    if (response.status === 404) return undefined;
    const body = await response.text();
    if (!response.ok) {
      const hint = response.status === 401 || response.status === 403 ? ` (${o.forbidden})` : '';
      throw new SystemRequestError(`GET ${o.shown} answered ${response.status}: ${body.trim()}${hint}`);
    }
    return (o.text ? body : JSON.parse(body)) as T;
  }

  const consulGet = <T>(requestPath: string) =>
    getJson<T>(`${address}${requestPath}`, {
      what: `the registry at ${address}`,
      shown: requestPath,
      headers: CONSUL_HTTP_TOKEN ? { 'x-consul-token': CONSUL_HTTP_TOKEN } : {},
      forbidden: 'export CONSUL_HTTP_TOKEN with the token your stack printed',
    });

  return {
    gatewayUrl: GW.replace(/\/$/, ''),
    consul: { address, get: consulGet },
    async instances(service: string): Promise<LabInstance[]> {
      const entries =
        (await consulGet<HealthEntry[]>(`/v1/health/service/${encodeURIComponent(service)}?passing`)) ?? [];
      return entries
        .map(({ Service, Node }) => ({
          id: Service.ID,
          url: httpOrigin(Service.Address || Node?.Address || '127.0.0.1', Service.Port),
        }))
        .sort((a, b) => a.id.localeCompare(b.id));
    },
    get<T>(url: string, o: { admin?: boolean; text?: boolean } = {}) {
      return getJson<T>(url, {
        text: o.text,
        what: url,
        shown: url,
        headers: o.admin && ADMIN_TOKEN ? { authorization: `Bearer ${ADMIN_TOKEN}` } : {},
        forbidden: 'export ADMIN_TOKEN with the admin token your stack printed',
      });
    },
  };
}

function readAdminToken(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new LabEnvironmentError(
      `ADMIN_TOKEN_FILE names ${file}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): is the stack still running?`,
    );
  }
}
