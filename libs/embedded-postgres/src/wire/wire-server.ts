import type { AddressInfo, Server, Socket } from 'node:net';
import { createServer } from 'node:net';
import type { Logger } from '@lab/common';
import { ClientConnection } from './client-connection';
import type { UnitExecutor } from './session-scheduler';
import { SessionScheduler } from './session-scheduler';

export interface WireServerOptions {
  host: string;
  port: number;
  /** Connections served at once; the next one gets "too many clients" after its startup packet. */
  maxConnections: number;
  executor: UnitExecutor;
  logger: Logger;
}

/** A TCP server speaking the Postgres protocol to many clients in front of one database session. */
export class WireServer {
  private readonly server: Server;
  private readonly scheduler: SessionScheduler;
  private readonly connections = new Set<ClientConnection>();
  /** Connections counted against maxConnections (refused ones are not). */
  private served = 0;
  private nextId = 1;

  constructor(private readonly o: WireServerOptions) {
    this.scheduler = new SessionScheduler(o.executor);
    this.server = createServer((socket) => this.accept(socket));
  }

  /** Starts listening; resolves with the bound port. */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.o.port, this.o.host, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  /** Stops accepting, closes every connection (rolling back what they held) and waits for the session to settle. */
  async close(): Promise<void> {
    const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const connection of this.connections) connection.destroy();
    await this.scheduler.idle();
    await stopped;
  }

  private accept(socket: Socket): void {
    // A refused connection only lives long enough to read the startup packet and say why.
    const refuse = this.served >= this.o.maxConnections ? 'sorry, too many clients already' : undefined;
    if (!refuse) this.served++;
    const connection = new ClientConnection(this.nextId++, socket, this.scheduler, {
      refuse,
      logger: this.o.logger,
      onClose: (closed) => {
        this.connections.delete(closed);
        if (!refuse) this.served--;
      },
    });
    this.connections.add(connection);
  }
}
