// Consul's DNS interface, checked with `dig` (Debian's dnsutils) as a third-party client.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';
import type { DevRegistry } from '../src/index';
import { put, startTestRegistry } from './helpers';
import { waitFor } from '@lab/common';
import { describeWithProgram } from './support/describe-with-program';

const run = promisify(execFile);
const CHECK_INTERVAL_MS = 300;

/** A real process serving /health, so a check can see it die. */
async function startHealthProcess(): Promise<{ port: number; child: ChildProcess }> {
  const script =
    "const s=require('node:http').createServer((q,r)=>r.end('ok'));" +
    "s.listen(0,'127.0.0.1',()=>console.log(s.address().port));";
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  return { port: Number(line.toString().trim()), child };
}

describeWithProgram('dig', ['-v'], 'DNS interface, asked with dig', () => {
  let registry: DevRegistry;
  const children: ChildProcess[] = [];

  const dig = async (...args: string[]): Promise<string> => {
    const { stdout } = await run('dig', [
      '@127.0.0.1',
      '-p',
      String(registry.dns!.port),
      '+time=2',
      '+tries=1',
      ...args,
    ]);
    return stdout;
  };
  /** The ports of the SRV answers, sorted: one per instance. */
  const srvPorts = async (name: string, ...flags: string[]): Promise<number[]> =>
    (await dig(name, 'SRV', '+short', ...flags))
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => Number(line.split(' ')[2]))
      .sort((a, b) => a - b);
  const register = (body: object) => put(registry.url, '/v1/agent/service/register', body);

  beforeAll(async () => {
    registry = await startTestRegistry({ minCheckIntervalMs: 50 });
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await registry.close();
  });

  it('lists exactly the passing instances, and drops one within the check interval after its process dies', async () => {
    const processes = await Promise.all([startHealthProcess(), startHealthProcess()]);
    children.push(...processes.map((p) => p.child));
    for (const [i, { port }] of processes.entries()) {
      await register({
        Name: 'product-service',
        ID: `product-${i + 1}`,
        Address: '127.0.0.1',
        Port: port,
        Tags: i === 0 ? ['v1'] : ['v2', 'canary'],
        Check: { HTTP: `http://127.0.0.1:${port}/health`, Interval: `${CHECK_INTERVAL_MS}ms` },
      });
    }
    // A third instance that never passes: it must never be listed.
    await register({ Name: 'product-service', ID: 'product-3', Port: 1, Check: { TTL: '30s' } });
    const ports = processes.map((p) => p.port).sort((a, b) => a - b);
    await waitFor(
      async () => ((await srvPorts('product-service.service.consul')).join() === ports.join() ? true : undefined),
      { timeoutMs: 3_000, intervalMs: 20, description: 'both live instances in the SRV answer' },
    );
    const full = await dig('product-service.service.consul', 'SRV');
    expect(full).toMatch(/status: NOERROR/);
    expect(full).toMatch(/flags: qr aa rd;/);
    expect(full).toMatch(/ANSWER: 2,/);
    // The target's address rides along in the additional section.
    expect(full).toMatch(/^dev-registry\.node\.dc1\.consul\.\s+0\s+IN\s+A\s+127\.0\.0\.1$/m);

    const killed = Date.now();
    processes[0]!.child.kill('SIGKILL');
    await waitFor(
      async () =>
        (await srvPorts('product-service.service.consul')).join() === String(processes[1]!.port) ? true : undefined,
      {
        timeoutMs: CHECK_INTERVAL_MS + 1_500,
        intervalMs: 20,
        description: 'the killed instance to leave the SRV answer',
      },
    );
    expect(Date.now() - killed).toBeLessThan(CHECK_INTERVAL_MS + 1_500);
  });

  it('drops an instance whose TTL check fails, and lists it again when it passes', async () => {
    await register({ Name: 'ttl-service', ID: 'ttl-1', Port: 7001, Check: { TTL: '30s', Status: 'passing' } });
    await register({ Name: 'ttl-service', ID: 'ttl-2', Port: 7002, Check: { TTL: '30s', Status: 'passing' } });
    expect(await srvPorts('ttl-service.service.consul')).toEqual([7001, 7002]);
    await put(registry.url, '/v1/agent/check/fail/service:ttl-1?note=draining');
    expect(await srvPorts('ttl-service.service.consul')).toEqual([7002]);
    await put(registry.url, '/v1/agent/check/pass/service:ttl-1');
    expect(await srvPorts('ttl-service.service.consul')).toEqual([7001, 7002]);
  });

  it('answers NXDOMAIN with the SOA for an unknown service', async () => {
    const answer = await dig('no-such-service.service.consul', 'SRV');
    expect(answer).toMatch(/status: NXDOMAIN/);
    expect(answer).toMatch(/ANSWER: 0, AUTHORITY: 1,/);
    expect(answer).toMatch(/^consul\.\s+0\s+IN\s+SOA\s+ns\.consul\. hostmaster\.consul\. \d+ 3600 600 86400 0$/m);
  });

  it('filters by tag, in the standard and the RFC 2782 form', async () => {
    await register({
      Name: 'tagged',
      ID: 'tagged-1',
      Port: 7101,
      Tags: ['v1'],
      Check: { TTL: '30s', Status: 'passing' },
    });
    await register({
      Name: 'tagged',
      ID: 'tagged-2',
      Port: 7102,
      Tags: ['v2'],
      Check: { TTL: '30s', Status: 'passing' },
    });
    expect(await srvPorts('v2.tagged.service.consul')).toEqual([7102]);
    expect(await srvPorts('_tagged._v1.service.consul')).toEqual([7101]);
    expect(await srvPorts('_tagged._tcp.service.consul')).toEqual([7101, 7102]);
    expect(await dig('v3.tagged.service.consul', 'SRV')).toMatch(/status: NXDOMAIN/);
    expect((await dig('v1.tagged.service.consul', 'A', '+short')).trim()).toBe('127.0.0.1');
  });

  it('answers over TCP, and sets TC over UDP when the answer is cut', async () => {
    for (let i = 1; i <= 5; i += 1)
      await register({ Name: 'wide', ID: `wide-${i}`, Port: 7200 + i, Check: { TTL: '30s', Status: 'passing' } });
    const all = [7201, 7202, 7203, 7204, 7205];
    expect(await srvPorts('wide.service.consul', '+tcp')).toEqual(all);
    const udpOnly = await dig('wide.service.consul', 'SRV', '+ignore');
    expect(udpOnly).toMatch(/flags: qr aa tc rd;/);
    expect(udpOnly).toMatch(/ANSWER: 3,/);
    // dig's default: on TC it asks again over TCP and gets the whole set.
    const retried = await dig('wide.service.consul', 'SRV');
    expect(retried).toMatch(/Truncated, retrying in TCP mode/);
    expect(retried).toMatch(/ANSWER: 5,/);
  });

  it('answers node lookups, and NOERROR without records for a type a name lacks', async () => {
    expect((await dig('dev-registry.node.consul', 'A', '+short')).trim()).toBe('127.0.0.1');
    const aaaa = await dig('tagged.service.consul', 'AAAA');
    expect(aaaa).toMatch(/status: NOERROR/);
    expect(aaaa).toMatch(/ANSWER: 0, AUTHORITY: 1,/);
    expect(await dig('example.com', 'A')).toMatch(/status: REFUSED/);
  });
});
