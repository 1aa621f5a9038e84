import { Agent, request } from 'undici';
import type { ServiceInstance } from '@lab/discovery';
import { configReportSchema, healthDetailSchema, type ConfigReport, type HealthDetail } from './instance-reports';
import { parsePrometheusText, type MetricSample } from './prometheus-text';

/** Thrown when an instance does not answer, or answers something the dashboard cannot read. */
export class ProbeError extends Error {
  readonly code = 'PROBE_FAILED';
}

/** A scrape or report larger than this is refused rather than held in memory. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export function instanceUrl(instance: Pick<ServiceInstance, 'address' | 'port'>): string {
  const host = instance.address.includes(':') ? `[${instance.address}]` : instance.address;
  return `http://${host}:${instance.port}`;
}

/**
 * Reads an instance's own endpoints: /health/detailed and /metrics (open on the services; the
 * gateway, being public, keeps them behind the admin token, so it is sent when configured),
 * /admin/config and the /admin actions (with the admin token from the dashboard's configuration). One keep-alive pool
 * for all of them; every call has a deadline.
 */
export class InstanceProbe {
  private readonly agent = new Agent({ keepAliveTimeout: 4000, connections: 4 });

  constructor(private readonly o: { adminToken: string | undefined; timeoutMs: number }) {}

  private get hasToken(): boolean {
    return this.o.adminToken !== undefined;
  }

  async health(instance: ServiceInstance): Promise<HealthDetail> {
    // 503 is an answer too: an instance that is not ready says why in the same document.
    return healthDetailSchema.parse(await this.json(instance, 'GET', '/health/detailed', { admin: this.hasToken }));
  }

  async metrics(instance: ServiceInstance): Promise<MetricSample[]> {
    const { status, body } = await this.send(instance, 'GET', '/metrics', { admin: this.hasToken });
    if (status !== 200) throw new ProbeError(`/metrics answered ${status}`);
    return parsePrometheusText(body);
  }

  async config(instance: ServiceInstance): Promise<ConfigReport> {
    if (this.o.adminToken === undefined) throw new ProbeError('no ADMIN_TOKEN configured to read /admin/config');
    return configReportSchema.parse(await this.json(instance, 'GET', '/admin/config', { admin: true, ok: [200] }));
  }

  /** An /admin action (POST); resolves with the instance's JSON answer, rejects with its problem detail. */
  async adminAction(instance: ServiceInstance, path: string): Promise<unknown> {
    if (this.o.adminToken === undefined) throw new ProbeError('no ADMIN_TOKEN configured for /admin actions');
    return this.json(instance, 'POST', path, { admin: true, ok: [200] });
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  private async json(
    instance: ServiceInstance,
    method: string,
    path: string,
    o: { admin: boolean; ok?: number[] },
  ): Promise<unknown> {
    const { status, body } = await this.send(instance, method, path, o);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new ProbeError(`${path} answered ${status} with a body that is not JSON`);
    }
    if (o.ok !== undefined && !o.ok.includes(status)) {
      const detail = (parsed as { detail?: unknown } | null)?.detail;
      throw new ProbeError(`${path} answered ${status}${typeof detail === 'string' ? `: ${detail}` : ''}`);
    }
    return parsed;
  }

  private async send(
    instance: ServiceInstance,
    method: string,
    path: string,
    o: { admin: boolean },
  ): Promise<{ status: number; body: string }> {
    const headers: Record<string, string> = { accept: 'application/json, text/plain' };
    if (o.admin) headers.authorization = `Bearer ${this.o.adminToken}`;
    try {
      const response = await request(`${instanceUrl(instance)}${path}`, {
        method,
        headers,
        dispatcher: this.agent,
        headersTimeout: this.o.timeoutMs,
        bodyTimeout: this.o.timeoutMs,
        signal: AbortSignal.timeout(this.o.timeoutMs),
      });
      const length = Number(response.headers['content-length'] ?? 0);
      if (length > MAX_BODY_BYTES) {
        await response.body.dump();
        throw new ProbeError(`${path} answered ${length} bytes, more than the dashboard reads`);
      }
      return { status: response.statusCode, body: await response.body.text() };
    } catch (error) {
      if (error instanceof ProbeError) throw error;
      const code = (error as { code?: string }).code;
      const reason =
        (error as Error).name === 'TimeoutError'
          ? `no answer within ${this.o.timeoutMs} ms`
          : (code ?? (error as Error).message);
      throw new ProbeError(`${method} ${path}: ${reason}`, { cause: error });
    }
  }
}
