import { existsSync, writeFileSync } from 'node:fs';
import { connect as connectTcp } from 'node:net';
import path from 'node:path';
import { freePort } from '../free-port';
import { probeZookeeper } from '../probes';
import { startChildServer } from '../resolve/child-server';
import { findBinaryDirectory, pathDirectories } from '../resolve/find-binary';
import { BinaryNotFoundError } from './binary-not-found';
import type { RestartableServer } from './restartable-server';
import { startRestartableServer } from './restartable-server';

export interface LocalZookeeperOptions {
  /** Client port; default a free one. */
  port?: number;
  /** Where PATH and ZOOKEEPER_HOME are read from (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** How long the server may take to grant a session. Default 20000. */
  startTimeoutMs?: number;
}

export interface LocalZookeeper extends RestartableServer {
  /** The session ids of the clients connected now (from the `cons` four-letter word). */
  sessions(): Promise<string[]>;
  /** Connect string, e.g. 127.0.0.1:2181. */
  connect: string;
  port: number;
}

/** Where Debian's zookeeper package puts the server jar (its manifest names the jars it needs). */
const DEBIAN_JAR_DIR = '/usr/share/java';

/**
 * The Java command line to run a standalone ZooKeeper server: `java` from PATH (or JAVA_HOME) and
 * the server's jars from ZOOKEEPER_HOME/lib (a release tarball) or Debian's /usr/share/java.
 */
export function findZookeeper(
  env: Readonly<Record<string, string | undefined>> = process.env,
): { java: string; classpath: string } | undefined {
  const javaDir = findBinaryDirectory(
    ['java'],
    [...(env.JAVA_HOME ? [path.join(env.JAVA_HOME, 'bin')] : []), ...pathDirectories(env)],
  );
  if (!javaDir) return undefined;
  const java = path.join(javaDir, 'java');
  if (env.ZOOKEEPER_HOME && existsSync(path.join(env.ZOOKEEPER_HOME, 'lib'))) {
    return { java, classpath: `${path.join(env.ZOOKEEPER_HOME, 'lib')}/*` };
  }
  const jar = path.join(DEBIAN_JAR_DIR, 'zookeeper.jar');
  if (!existsSync(jar)) return undefined;
  // Without an SLF4J binding the server prints a warning; the no-op one keeps it quiet.
  const quiet = path.join(DEBIAN_JAR_DIR, 'slf4j-nop.jar');
  return { java, classpath: existsSync(quiet) ? `${jar}:${quiet}` : jar };
}

/**
 * A standalone ZooKeeper server on 127.0.0.1 with its data in a temp dir. The tick is 500 ms, so
 * sessions may be as short as one second (tests of session expiry) and as long as a minute; the
 * admin server is off and there is no limit on connections from one address (every test client
 * comes from 127.0.0.1); the four-letter words srvr, ruok, cons and mntr answer. `restart()` brings
 * it back empty on the same port.
 */
export async function startLocalZookeeper(o: LocalZookeeperOptions = {}): Promise<LocalZookeeper> {
  const found = findZookeeper(o.env);
  if (!found)
    throw new BinaryNotFoundError('no java with ZooKeeper jars (ZOOKEEPER_HOME/lib or /usr/share/java/zookeeper.jar)');
  const port = o.port ?? (await freePort());
  const connect = `127.0.0.1:${port}`;
  const server = await startRestartableServer('zookeeper', (dataDir) => {
    const config = path.join(dataDir, 'zoo.cfg');
    writeFileSync(
      config,
      [
        'tickTime=500',
        `dataDir=${dataDir}`,
        `clientPort=${port}`,
        'clientPortAddress=127.0.0.1',
        'minSessionTimeout=1000',
        'maxSessionTimeout=60000',
        'maxClientCnxns=0',
        'admin.enableServer=false',
        // cons lists each client connection with its session: tests count the sessions a process holds.
        '4lw.commands.whitelist=srvr,ruok,cons,mntr',
      ].join('\n'),
    );
    return startChildServer(
      found.java,
      // A small heap and the client compiler: a test server starts in well under a second.
      [
        '-Xmx256m',
        '-XX:+UseSerialGC',
        '-XX:TieredStopAtLevel=1',
        '-cp',
        found.classpath,
        'org.apache.zookeeper.server.ZooKeeperServerMain',
        config,
      ],
      { ready: () => probeZookeeper(connect, 1_000), timeoutMs: o.startTimeoutMs ?? 20_000 },
    );
  });
  return { connect, port, sessions: async () => sessionIds(await fourLetterWord(port, 'cons')), ...server };
}

/** Sends a four-letter word (`cons`, `mntr`, ...) to a ZooKeeper server and resolves with its answer. */
export function fourLetterWord(port: number, word: string, timeoutMs = 2_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connectTcp({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`${word}: no answer within ${timeoutMs} ms`)));
    socket.on('connect', () => socket.end(word));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/**
 * The session ids in a `cons` answer, one line per connection such as
 * ` /127.0.0.1:50712[1](queued=0,recved=4,sent=4,sid=0x10000d9c3b50000,...)`. The connection that
 * asked has no session and is left out, but is always listed: an answer without any connection is
 * not a listing (a server that refuses the word says so in a sentence).
 */
export function sessionIds(cons: string): string[] {
  if (!cons.includes('(queued=')) throw new Error(`cons answered: ${cons.trim().slice(0, 200) || 'nothing'}`);
  return [...cons.matchAll(/\bsid=(0x[0-9a-f]+)/g)].map((match) => match[1]);
}
