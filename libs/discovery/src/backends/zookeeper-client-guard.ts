import type { Client } from 'node-zookeeper-client';

interface ConnectionManagerInternals {
  pendingBuffer?: Buffer | null;
  socket?: { destroy(): void };
  onSocketData?: (buffer: Buffer) => void;
  on?(event: 'state', listener: (state: number) => void): unknown;
  findNextServer?: (callback: (server: unknown) => void) => void;
  servers?: unknown[];
  serverAttempts?: number;
  nextServerIndex?: number;
  spinDelay?: number;
  connectTimeoutHandler?: NodeJS.Timeout;
}

/** The pause before a client tries its servers again, kept so that closing can cancel it. */
const spinTimers = new WeakMap<ConnectionManagerInternals, NodeJS.Timeout>();

function internals(client: Client): ConnectionManagerInternals | undefined {
  return (client as unknown as { connectionManager?: ConnectionManagerInternals }).connectionManager;
}

/** ConnectionManager.STATES.DISCONNECTED in node-zookeeper-client. */
const MANAGER_DISCONNECTED = 0;

/**
 * Works around three faults of node-zookeeper-client (1.1.x) that end the process, both seen against a
 * server that is starting or stopping (before they were guarded, about one run in five of the
 * configuration benchmark died while ZooKeeper started):
 *
 * - it keeps the unparsed tail of a connection that dropped mid-frame and prepends it to the next
 *   connection's bytes. The connection manager reports DISCONNECTED after the old socket closed and
 *   before the next one opens (the client's own 'disconnected' event is skipped before the first
 *   connection), so the tail is dropped there;
 * - a stream it misreads (a handshake answer arriving after close(), or on a socket it already
 *   replaced) makes it throw from its socket handler. That handler is looked up when each socket is
 *   made, so wrapping it on the instance turns the throw into a dropped connection, which the
 *   client recovers from like any other;
 * - after every server has refused it, it waits up to spinDelay before trying again on a timer it
 *   keeps no handle to, so close() cannot cancel it: the process stays up and, when the timer fires,
 *   a closed client opens a socket once more. The wait is taken over here (same timing) and kept
 *   where closeClient can clear it.
 *
 * Must run before client.connect(). The tests beside this file reproduce each fault.
 */
export function hardenClient(client: Client): void {
  const manager = internals(client);
  if (!manager || typeof manager.on !== 'function' || !('pendingBuffer' in manager)) return;
  manager.on('state', (state) => {
    if (state === MANAGER_DISCONNECTED) manager.pendingBuffer = null;
  });
  const findNextServer = manager.findNextServer;
  if (typeof findNextServer === 'function' && Array.isArray(manager.servers)) {
    manager.findNextServer = function guardedFindNextServer(this: ConnectionManagerInternals, callback): void {
      const servers = this.servers ?? [];
      // Until each server has had a try, the library moves on at once; only its wait is replaced.
      if (this.serverAttempts !== servers.length) return findNextServer.call(this, callback);
      this.nextServerIndex = (this.nextServerIndex ?? 0) % servers.length;
      const timer = setTimeout(
        () => {
          spinTimers.delete(this);
          callback(servers[this.nextServerIndex ?? 0]);
          this.nextServerIndex = (this.nextServerIndex ?? 0) + 1;
          this.serverAttempts = 0;
        },
        Math.random() * (this.spinDelay ?? 0),
      );
      spinTimers.set(this, timer);
    };
  }
  const onSocketData = manager.onSocketData;
  if (typeof onSocketData !== 'function') return;
  manager.onSocketData = function guardedOnSocketData(this: ConnectionManagerInternals, buffer: Buffer): void {
    try {
      onSocketData.call(this, buffer);
    } catch {
      this.pendingBuffer = null;
      this.socket?.destroy();
    }
  };
}

/**
 * Closes a client whatever its state. close() queues a close-session request and switches to
 * CLOSING; a client that is not connected has no session to close, so its reconnect loop is ended
 * at once: the pending retry (see hardenClient) and connect timeout are cleared and the socket cut.
 */
export function closeClient(client: Client): void {
  const state = client.getState().name;
  client.close();
  if (state === 'SYNC_CONNECTED' || state === 'CONNECTED_READ_ONLY') return;
  const manager = internals(client);
  if (!manager) return;
  clearTimeout(spinTimers.get(manager));
  spinTimers.delete(manager);
  // A destroyed socket reports no error, so the library would leave this timer running.
  clearTimeout(manager.connectTimeoutHandler);
  manager.socket?.destroy();
}
