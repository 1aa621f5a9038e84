import path from 'node:path';
import { freePort } from '../free-port';
import { probeConsul } from '../probes';
import { startChildServer } from './child-server';
import { findBinaryDirectory, pathDirectories } from './find-binary';
import type { StepRunner } from './types';

/**
 * Step 3 for Consul: `consul agent -dev` (in memory) with every port it opens moved to a free one,
 * so it runs beside another agent; DNS and gRPC are switched off because tests use only HTTP.
 */
export function binaryConsulStep(): StepRunner {
  return async (o) => {
    const bin = findBinaryDirectory(['consul'], pathDirectories(o.env ?? process.env));
    if (!bin) return { skipped: 'no consul binary' };
    const [http, serfLan, serfWan, server] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    const url = `http://127.0.0.1:${http}`;
    const agent = await startChildServer(
      path.join(bin, 'consul'),
      [
        'agent',
        '-dev',
        '-bind',
        '127.0.0.1',
        '-client',
        '127.0.0.1',
        '-http-port',
        String(http),
        '-serf-lan-port',
        String(serfLan),
        '-serf-wan-port',
        String(serfWan),
        '-server-port',
        String(server),
        '-dns-port',
        '-1',
        '-grpc-port',
        '-1',
      ],
      { ready: () => probeConsul(url, 1_000), timeoutMs: o.startTimeoutMs ?? 15_000 },
    );
    return { url, stop: () => agent.stop('SIGINT') };
  };
}
