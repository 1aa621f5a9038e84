import { z } from 'zod';

import type { LabSystem } from './lab-definition';

/** The variables a student exports in a lab's first step, and what `npm start` uses by default. */
const labEnvironment = z.object({
  CONSUL_HTTP_ADDR: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:8500'),
  CONSUL_HTTP_TOKEN: z.string().optional(),
  GW: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:8080'),
});

export class LabEnvironmentError extends Error {
  override readonly name = 'LabEnvironmentError';
}

/** A request to the running system that did not get an answer, or got an error status. */
export class SystemRequestError extends Error {
  override readonly name = 'SystemRequestError';
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
  const { CONSUL_HTTP_ADDR, CONSUL_HTTP_TOKEN, GW } = parsed.data;
  const address = CONSUL_HTTP_ADDR.replace(/\/$/, '');
  return {
    gatewayUrl: GW.replace(/\/$/, ''),
    consul: {
      address,
      async get<T>(requestPath: string): Promise<T | undefined> {
        let response: Response;
        try {
          response = await fetch(`${address}${requestPath}`, {
            headers: CONSUL_HTTP_TOKEN ? { 'x-consul-token': CONSUL_HTTP_TOKEN } : {},
            signal: AbortSignal.timeout(timeoutMs),
          });
        } catch (error) {
          const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
          throw new SystemRequestError(`no answer from the registry at ${address} (${cause})`);
        }
        if (response.status === 404) return undefined;
        const body = await response.text();
        if (!response.ok) {
          const hint = response.status === 403 ? ' (export CONSUL_HTTP_TOKEN with the token your stack printed)' : '';
          throw new SystemRequestError(`GET ${requestPath} answered ${response.status}: ${body.trim()}${hint}`);
        }
        return JSON.parse(body) as T;
      },
    },
  };
}
