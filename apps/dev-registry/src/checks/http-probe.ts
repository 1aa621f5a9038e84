import http from 'node:http';
import https from 'node:https';
import type { CheckDefinition } from '../state/types';
import { MAX_OUTPUT_BYTES, statusForHttpCode, type ProbeResult } from './probe-result';

export type HttpCheckDefinition = Extract<CheckDefinition, { kind: 'http' }>;

/**
 * Runs one HTTP check the way a Consul agent does: a fresh connection (no keep-alive, so a
 * stopped instance cannot hide behind a pooled socket), Consul's User-Agent, at most 4 KiB of body
 * kept as output, and the definition's timeout. Never rejects: failures are critical results.
 */
export function probeHttp(def: HttpCheckDefinition, signal: AbortSignal): Promise<ProbeResult> {
  const url = new URL(def.http);
  const client = url.protocol === 'https:' ? https : http;
  const label = `HTTP ${def.method} ${def.http}`;
  const headers: Record<string, string | string[]> = {
    'user-agent': 'Consul Health Check',
    accept: 'text/plain, text/*, */*',
  };
  for (const [name, values] of Object.entries(def.header)) headers[name] = [...values];

  return new Promise<ProbeResult>((resolve) => {
    let settled = false;
    const done = (result: ProbeResult): void => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const request = client.request(
      url,
      {
        method: def.method,
        headers,
        agent: false,
        signal: AbortSignal.any([signal, AbortSignal.timeout(def.timeoutMs)]),
        rejectUnauthorized: !def.tlsSkipVerify,
        servername: def.tlsServerName || undefined,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const finish = (): void => {
          const code = response.statusCode ?? 0;
          const body = Buffer.concat(chunks).subarray(0, MAX_OUTPUT_BYTES).toString('utf8');
          done({
            status: statusForHttpCode(code),
            output: `${label}: ${code} ${response.statusMessage ?? ''} Output: ${body}`,
          });
          response.destroy();
        };
        response.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          if (size >= MAX_OUTPUT_BYTES) finish();
        });
        response.on('end', finish);
        response.on('error', finish);
      },
    );
    request.on('error', (error: Error) => {
      const reason = signal.aborted
        ? 'check stopped'
        : error.name === 'TimeoutError' || error.name === 'AbortError'
          ? `timed out after ${def.timeoutMs}ms`
          : error.message;
      done({ status: 'critical', output: `${label}: ${reason}` });
    });
    request.end(def.body || undefined);
  });
}
