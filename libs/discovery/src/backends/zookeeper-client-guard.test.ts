import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { createClient } from 'node-zookeeper-client';
import { closeClient, hardenClient } from './zookeeper-client-guard';

/** A ConnectResponse frame: protocol version, session timeout, session id, password. */
function connectResponse(): Buffer {
  const body = Buffer.alloc(4 + 4 + 8 + 4 + 16);
  body.writeInt32BE(0, 0);
  body.writeInt32BE(10_000, 4);
  body.writeBigInt64BE(42n, 8);
  body.writeInt32BE(16, 16);
  const frame = Buffer.alloc(4 + body.length);
  frame.writeInt32BE(body.length, 0);
  body.copy(frame, 4);
  return frame;
}

describe('hardenClient', () => {
  // A server that drops the first connection after half a frame, then answers the next one
  // properly: the client must connect, not misread the second stream with the first one's tail.
  async function connectsAfterAHalfFrame(guarded: boolean): Promise<string> {
    let connections = 0;
    const sockets: Socket[] = [];
    const server = createServer((socket) => {
      sockets.push(socket);
      connections++;
      socket.once('data', () => {
        if (connections === 1) {
          socket.end(Buffer.from([0, 0, 0, 100, 1, 2]));
        } else {
          socket.write(connectResponse());
        }
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    const client = createClient(`127.0.0.1:${port}`, { sessionTimeout: 10_000, spinDelay: 10, retries: 0 });
    if (guarded) hardenClient(client);
    try {
      client.connect();
      const connected = once(client, 'connected').then(() => 'connected');
      const timeout = new Promise<string>((resolve) => setTimeout(() => resolve('stuck'), 1_000));
      return await Promise.race([connected, timeout]);
    } finally {
      client.close();
      for (const socket of sockets) socket.destroy();
      server.close();
    }
  }

  it('keeps a connection that dropped mid-frame from corrupting the next one', async () => {
    expect(await connectsAfterAHalfFrame(true)).toBe('connected');
  });

  it('is needed: without it the client misreads the next connection', async () => {
    expect(await connectsAfterAHalfFrame(false)).toBe('stuck');
  });

  // A reply the client cannot parse (here: an unknown error code) must cost a reconnect, not the process.
  it('turns a reply it cannot parse into a dropped connection', async () => {
    const sockets: Socket[] = [];
    let connections = 0;
    const server = createServer((socket) => {
      sockets.push(socket);
      connections++;
      let handshaken = false;
      socket.on('data', (data) => {
        if (!handshaken) {
          handshaken = true;
          socket.write(connectResponse());
          return;
        }
        const reply = Buffer.alloc(4 + 16);
        reply.writeInt32BE(16, 0);
        reply.writeInt32BE(data.readInt32BE(4), 4); // the request's xid
        reply.writeInt32BE(0x12345678, 16); // an error code no ZooKeeper sends
        socket.write(reply);
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    const client = createClient(`127.0.0.1:${port}`, { sessionTimeout: 10_000, spinDelay: 10 });
    hardenClient(client);
    try {
      client.connect();
      await once(client, 'connected');
      const disconnected = once(client, 'disconnected');
      // The request whose reply was unreadable gets no answer (the session bounds every request with
      // a timeout); what matters is that the client drops the connection and makes a new one.
      client.exists('/x', () => undefined);
      await disconnected;
      await once(client, 'connected');
      expect(connections).toBe(2);
    } finally {
      client.close();
      for (const socket of sockets) socket.destroy();
      server.close();
    }
  });

  // A server that drops every connection: after each refusal the client waits spinDelay and tries
  // again. Closed during that wait, it must try no more (and leave no timer keeping the process up).
  async function connectionsAfterClosingWhileWaiting(guarded: boolean): Promise<number> {
    const sockets: Socket[] = [];
    let connections = 0;
    const server = createServer((socket) => {
      connections++;
      sockets.push(socket);
      socket.destroy();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    // The wait is random up to spinDelay; pinned to its maximum so the close lands inside it.
    const random = jest.spyOn(Math, 'random').mockReturnValue(0.999);
    const client = createClient(`127.0.0.1:${port}`, { sessionTimeout: 10_000, spinDelay: 150 });
    if (guarded) hardenClient(client);
    try {
      const manager = (client as unknown as { connectionManager: NodeJS.EventEmitter }).connectionManager;
      // DISCONNECTED is reported just before the retry wait starts, in the same turn.
      const dropped = new Promise<void>((resolve) => manager.on('state', (state) => state === 0 && resolve()));
      client.connect();
      await dropped;
      await new Promise((resolve) => setImmediate(resolve));
      closeClient(client);
      await new Promise((resolve) => setTimeout(resolve, 300));
      return connections;
    } finally {
      random.mockRestore();
      for (const socket of sockets) socket.destroy();
      server.close();
    }
  }

  it('cancels the retry a client is waiting for when it is closed', async () => {
    expect(await connectionsAfterClosingWhileWaiting(true)).toBe(1);
  });

  it('is needed: without it a closed client connects once more after the wait', async () => {
    expect(await connectionsAfterClosingWhileWaiting(false)).toBe(2);
  });
});
