import { ZookeeperRegistry } from '@lab/discovery';
import {
  describeWithRequirement,
  findZookeeper,
  startLocalZookeeper,
  waitFor,
  type LocalZookeeper,
} from '@lab/testing';
import { startService, type RunningService } from '../src';
import { quietLogger, testEnv } from './support/example-service';
import { liveService } from './support/live-service';

/**
 * A ZooKeeper-backed service holds one session: its registration, its watches of other services and
 * the watch of its live configuration all run on it. Counted on a server of this test's own (cons
 * lists every client connection with its session), so no other test's clients are in the count.
 */
const zookeeperServer = {
  name: 'a ZooKeeper server of its own',
  available: findZookeeper() !== undefined,
  reason: 'no java with ZooKeeper jars',
};

describeWithRequirement(zookeeperServer, 'a service on ZooKeeper', () => {
  let zookeeper: LocalZookeeper;
  let service: RunningService | undefined;

  beforeAll(async () => {
    zookeeper = await startLocalZookeeper();
  }, 30_000);
  afterAll(async () => {
    await service?.stop();
    await zookeeper?.stop();
  });

  it('holds one session for registration, discovery and live configuration, and ends it on stop', async () => {
    await waitFor(async () => (await zookeeper.sessions()).length === 0, { description: 'an idle server' });
    service = await startService(liveService, {
      env: testEnv({
        INSTANCE_ID: 'live-zookeeper-1',
        DISCOVERY_BACKEND: 'zookeeper',
        ZOOKEEPER_CONNECT: zookeeper.connect,
      }),
      logger: quietLogger,
    });
    // Everything that uses the registry is running: the live configuration's KV watch, and a
    // watch of its neighbour (the first call through the directory opens one).
    expect(service.ctx.configStore.status().kv).toEqual({ kind: 'zookeeper', connected: true });
    expect((await fetch(`${service.url}/echo`)).status).toBe(503);
    const held = await zookeeper.sessions();
    expect(held).toHaveLength(1);

    // Both uses work on that session: it is registered, and it applies a KV change.
    const observer = new ZookeeperRegistry({ connect: zookeeper.connect });
    try {
      expect((await observer.healthyInstances('live-service')).map((i) => i.id)).toEqual(['live-zookeeper-1']);
      await observer.kv.put('config/live-service/greeting/text', 'hej');
      const greeting = `${service.url}/greeting`;
      await waitFor(async () => ((await (await fetch(greeting)).json()) as { text: string }).text === 'hej', {
        description: 'the KV change',
      });
      expect(await zookeeper.sessions()).toEqual(expect.arrayContaining(held));
      expect(await zookeeper.sessions()).toHaveLength(2);
    } finally {
      await observer.close();
    }

    await service.stop();
    service = undefined;
    await waitFor(async () => (await zookeeper.sessions()).length === 0, { description: 'the session ended' });
  });
});
