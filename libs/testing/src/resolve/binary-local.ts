import { BinaryNotFoundError } from '../local/binary-not-found';
import { startLocalEtcd } from '../local/local-etcd';
import { startLocalZookeeper } from '../local/local-zookeeper';
import type { ResolveOptions, StepRunner } from './types';

/** Step 3 from a local server starter: a missing program is a reason to move on, not a failure. */
function localServerStep(start: (o: ResolveOptions) => Promise<{ url: string; stop(): Promise<void> }>): StepRunner {
  return async (o) => {
    try {
      const server = await start(o);
      return { url: server.url, stop: server.stop };
    } catch (error) {
      if (error instanceof BinaryNotFoundError) return { skipped: error.message };
      throw error;
    }
  };
}

/** Step 3 for etcd: the `etcd` binary with a temp data dir on free client and peer ports. */
export const binaryEtcdStep = (): StepRunner =>
  localServerStep((o) => startLocalEtcd({ env: o.env, startTimeoutMs: o.startTimeoutMs }));

/** Step 3 for ZooKeeper: a standalone server from the installed jars, on a free port. */
export const binaryZookeeperStep = (): StepRunner =>
  localServerStep(async (o) => {
    const server = await startLocalZookeeper({ env: o.env, startTimeoutMs: o.startTimeoutMs });
    return { url: server.connect, stop: server.stop };
  });
