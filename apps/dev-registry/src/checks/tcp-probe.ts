import net from 'node:net';
import type { ProbeResult } from './probe-result';

/** Splits "host:port" or "[v6]:port"; undefined when it is not one. */
export function parseHostPort(address: string): { host: string; port: number } | undefined {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(address);
  if (!match) return undefined;
  const port = Number(match[3]);
  if (port < 1 || port > 65535) return undefined;
  return { host: match[1] ?? match[2], port };
}

/** A TCP check: passing when a connection opens within the timeout, critical otherwise. Never rejects. */
export function probeTcp(address: string, timeoutMs: number, signal: AbortSignal): Promise<ProbeResult> {
  const target = parseHostPort(address);
  if (!target)
    return Promise.resolve({ status: 'critical', output: `TCP connect ${address}: not a host:port address` });

  return new Promise<ProbeResult>((resolve) => {
    const socket = net.connect({ host: target.host, port: target.port, signal, timeout: timeoutMs });
    const finish = (result: ProbeResult): void => {
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.destroy();
      resolve(result);
    };
    socket.once('connect', () => finish({ status: 'passing', output: `TCP connect ${address}: Success` }));
    socket.once('timeout', () =>
      finish({ status: 'critical', output: `TCP connect ${address}: timed out after ${timeoutMs}ms` }),
    );
    socket.once('error', (error: Error) =>
      finish({ status: 'critical', output: `TCP connect ${address}: ${error.message}` }),
    );
  });
}
