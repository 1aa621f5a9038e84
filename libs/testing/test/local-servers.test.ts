import {
  BinaryNotFoundError,
  findEtcd,
  findZookeeper,
  probeEtcd,
  probeZookeeper,
  resolveEtcd,
  resolveZookeeper,
  startLocalEtcd,
  startLocalZookeeper,
  waitFor,
} from '../src';
import { fourLetterWord } from '../src/local/local-zookeeper';
import type { ResolvedServer, ServerResolution } from '../src';

function running(r: ServerResolution): ResolvedServer {
  if (!r.available) throw new Error(`expected a server, got: ${r.reason}`);
  return r;
}

const base64 = (text: string): string => Buffer.from(text).toString('base64');

/** Writes and counts keys through etcd's JSON gateway, so this lib needs no etcd client. */
async function etcdKv(url: string, op: 'put' | 'range', key: string): Promise<number> {
  const body = op === 'put' ? { key: base64(key), value: base64('1') } : { key: base64(key) };
  const response = await fetch(new URL(`/v3/kv/${op}`, url), { method: 'POST', body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`etcd /v3/kv/${op} answered ${response.status}`);
  return Number(((await response.json()) as { count?: string }).count ?? 0);
}

/** The last transaction id a ZooKeeper server reports (four-letter word "srvr"). */
async function zookeeperZxid(port: number): Promise<number> {
  const out = await fourLetterWord(port, 'srvr');
  const match = /Zxid: (0x[0-9a-f]+)/.exec(out);
  if (!match) throw new Error(`srvr answered: ${out.trim()}`);
  return Number(match[1]);
}

const noBinaries = { PATH: '' };

describe('local etcd', () => {
  (findEtcd() ? it : it.skip)('starts on a free port and restarts empty on the same one', async () => {
    const etcd = await startLocalEtcd();
    try {
      await etcdKv(etcd.url, 'put', '/lab/key');
      expect(await etcdKv(etcd.url, 'range', '/lab/key')).toBe(1);
      await etcd.restart();
      expect(etcd.url).toBe(`http://127.0.0.1:${etcd.port}`);
      expect(await etcdKv(etcd.url, 'range', '/lab/key')).toBe(0);
    } finally {
      await etcd.stop();
    }
    await expect(probeEtcd(etcd.url)).rejects.toThrow();
  });

  (findEtcd() ? it : it.skip)('is what the binary step resolves to', async () => {
    const etcd = running(await resolveEtcd({ steps: ['binary'] }));
    try {
      expect(etcd.source).toBe('binary');
      await expect(probeEtcd(etcd.url)).resolves.toBeUndefined();
    } finally {
      await etcd.stop();
    }
  });

  it('reports a missing binary', async () => {
    await expect(startLocalEtcd({ env: noBinaries })).rejects.toBeInstanceOf(BinaryNotFoundError);
    await expect(resolveEtcd({ steps: ['binary'], env: noBinaries })).resolves.toMatchObject({
      available: false,
      reason: 'no etcd binary',
    });
  });
});

describe('local ZooKeeper', () => {
  (findZookeeper() ? it : it.skip)('starts on a free port and restarts without its data on the same one', async () => {
    const zookeeper = await startLocalZookeeper();
    try {
      for (let i = 0; i < 3; i++) await probeZookeeper(zookeeper.connect);
      // The probes closed their sessions; cons lists what is open.
      await waitFor(async () => (await zookeeper.sessions()).length === 0, { description: 'no session left' });
      const before = await zookeeperZxid(zookeeper.port);
      await zookeeper.restart();
      expect(zookeeper.connect).toBe(`127.0.0.1:${zookeeper.port}`);
      // Its transaction log starts over: only the readiness probe's session since the restart.
      expect(await zookeeperZxid(zookeeper.port)).toBeLessThan(before);
    } finally {
      await zookeeper.stop();
    }
    await expect(probeZookeeper(zookeeper.connect)).rejects.toThrow(/ECONNREFUSED/);
  });

  (findZookeeper() ? it : it.skip)('is what the binary step resolves to', async () => {
    const zookeeper = running(await resolveZookeeper({ steps: ['binary'] }));
    try {
      expect(zookeeper.source).toBe('binary');
      expect(zookeeper.url).toMatch(/^127\.0\.0\.1:\d+$/);
      await expect(probeZookeeper(zookeeper.url)).resolves.toBeUndefined();
    } finally {
      await zookeeper.stop();
    }
  });

  it('reports a missing java', async () => {
    await expect(resolveZookeeper({ steps: ['binary'], env: noBinaries })).resolves.toMatchObject({
      available: false,
      reason: expect.stringMatching(/^no java with ZooKeeper jars/),
    });
  });
});

describe('probeZookeeper', () => {
  it('fails on a server that is not ZooKeeper', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((_req, res) => res.end('hello'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      await expect(probeZookeeper(`127.0.0.1:${port}`, 1_000)).rejects.toThrow();
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
