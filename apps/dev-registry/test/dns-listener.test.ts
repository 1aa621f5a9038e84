// Where the DNS interface listens, and how clients learn it.
import { createSocket } from 'node:dgram';
import { call, startTestRegistry } from './helpers';

describe('the DNS listener', () => {
  it('takes a free port beside a free HTTP port, and /v1/agent/self names it as Consul does', async () => {
    const registry = await startTestRegistry();
    try {
      expect(registry.dns).toEqual({ host: '127.0.0.1', port: expect.any(Number) });
      expect(registry.dns!.port).not.toBe(8600);
      const self = (await call(registry.url, '/v1/agent/self')).json<{ DebugConfig: Record<string, unknown> }>();
      expect(self.DebugConfig).toEqual({
        DNSAddrs: [`tcp://127.0.0.1:${registry.dns!.port}`, `udp://127.0.0.1:${registry.dns!.port}`],
        DNSPort: registry.dns!.port,
        DNSDomain: 'consul.',
      });
    } finally {
      await registry.close();
    }
  });

  it('can be turned off', async () => {
    const registry = await startTestRegistry({ dnsPort: false });
    try {
      expect(registry.dns).toBeUndefined();
      const self = (await call(registry.url, '/v1/agent/self')).json<{ DebugConfig: { DNSPort: number } }>();
      expect(self.DebugConfig.DNSPort).toBe(-1);
    } finally {
      await registry.close();
    }
  });

  it('refuses to start on a DNS port that is taken, naming it', async () => {
    const squatter = createSocket('udp4');
    await new Promise<void>((resolve) => squatter.bind(0, '127.0.0.1', resolve));
    const { port } = squatter.address();
    try {
      await expect(startTestRegistry({ dnsPort: port })).rejects.toThrow(`DNS port ${port}: `);
    } finally {
      squatter.close();
    }
  });

  it('refuses bad DNS options', async () => {
    await expect(startTestRegistry({ dnsTtlSeconds: -1 })).rejects.toThrow('dnsTtlSeconds');
    await expect(startTestRegistry({ dnsUdpAnswerLimit: 0 })).rejects.toThrow('dnsUdpAnswerLimit');
  });
});
