import type { Socket } from 'node:net';
import type { Logger } from '@lab/common';
import type { FrontendMessage } from './frontend-reader';
import { FrontendReader } from './frontend-reader';
import { MessageType, errorResponse, queryMessage, syncMessage, typedMessage, cString } from './protocol';
import type { HeldSession, SessionScheduler } from './session-scheduler';
import { StatementNamespace } from './statement-namespace';

/** Messages after which the backend answers with ReadyForQuery: they end a unit of work. */
const UNIT_ENDS = new Set<number>([MessageType.Sync, MessageType.Query, MessageType.FunctionCall]);

/**
 * An Execute of a portal no client can name: it fails, which aborts the implicit transaction of an
 * unfinished extended-protocol batch, so the Sync after it rolls back instead of committing.
 */
const ABORT_BATCH = typedMessage(
  MessageType.Execute,
  Buffer.concat([cString('\u0001embedded-postgres abort'), Buffer.alloc(4)]),
);

/**
 * One client connection: reads its messages, groups them into units of work for the shared session
 * and writes the backend's answers back. Units end at Sync or a simple Query (each answered with
 * ReadyForQuery); a Flush sends what is collected so far but keeps the session for this connection
 * until its Sync (clients that page through a portal do this).
 */
export class ClientConnection {
  private readonly reader = new FrontendReader();
  private readonly names: StatementNamespace;
  private batch: Buffer[] = [];
  private closed = false;

  constructor(
    readonly id: number,
    private readonly socket: Socket,
    private readonly scheduler: SessionScheduler,
    private readonly o: { refuse?: string; logger: Logger; onClose(connection: ClientConnection): void },
  ) {
    this.names = new StatementNamespace(`c${id}.`);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    // ECONNRESET and friends: the client is gone, which 'close' handles.
    socket.on('error', (error) =>
      o.logger.debug({ connection: id, err: error.message }, 'embedded postgres: client socket error'),
    );
    socket.on('close', () => this.close());
  }

  /** Closes the connection; whatever it held in the session is rolled back. */
  close(o: { flush?: boolean } = {}): void {
    if (this.closed) return;
    this.closed = true;
    // flush: let what was already written (a FATAL error) reach the client before the socket closes.
    if (o.flush) this.socket.end();
    else this.socket.destroy();
    this.o.onClose(this);
    this.scheduler
      .release(this.id, (held) => this.cleanupUnit(held))
      .catch((error: unknown) =>
        this.o.logger.warn(
          { connection: this.id, err: (error as Error).message },
          'embedded postgres: clean-up after a client failed',
        ),
      );
  }

  /** Closes at once, whatever the state of the socket (the server is stopping). */
  destroy(): void {
    this.socket.destroy();
    this.close();
  }

  private receive(chunk: Buffer): void {
    this.reader.push(chunk);
    try {
      for (let message = this.reader.next(); message && !this.closed; message = this.reader.next())
        this.handle(message);
    } catch (error) {
      this.fail('08P01', (error as Error).message);
    }
  }

  private handle(message: FrontendMessage): void {
    switch (message.kind) {
      case 'encryption-request':
        this.socket.write('N'); // no TLS: the client goes on in plain text or gives up
        return;
      case 'cancel-request':
        // Not supported: a unit always runs to its end. A real server also closes without a reply.
        return this.close({ flush: true });
      case 'startup':
        if (this.o.refuse) return this.fail('53300', this.o.refuse);
        if (message.version >> 16 !== 3)
          return this.fail(
            '0A000',
            `unsupported frontend protocol ${message.version >> 16}.${message.version & 0xffff}`,
          );
        return this.submit(message.bytes, false);
      case 'typed':
        return this.collect(message.type, message.bytes);
    }
  }

  private collect(type: number, bytes: Buffer): void {
    if (type === MessageType.Terminate) return this.close();
    this.batch.push(this.names.rewrite(bytes));
    if (UNIT_ENDS.has(type)) this.submit(this.takeBatch(), false);
    else if (type === MessageType.Flush) this.submit(this.takeBatch(), true);
  }

  private takeBatch(): Buffer {
    const unit = this.batch.length === 1 ? this.batch[0] : Buffer.concat(this.batch);
    this.batch = [];
    return unit;
  }

  private submit(unit: Buffer, keepsSession: boolean): void {
    this.scheduler
      .run(this.id, unit, { keepsSession, onData: (chunk) => this.write(chunk) })
      .catch((error: unknown) => this.fail('XX000', `embedded postgres failed: ${(error as Error).message}`));
  }

  private write(chunk: Uint8Array): void {
    if (!this.closed && this.socket.writable) this.socket.write(chunk);
  }

  /** FATAL error to the client, then the connection ends (as a real server does). */
  private fail(code: string, message: string): void {
    if (this.closed) return;
    this.o.logger.debug({ connection: this.id, code, message }, 'embedded postgres: closing a client connection');
    this.socket.write(errorResponse('FATAL', code, message));
    this.close({ flush: true });
  }

  /** What the session needs once this connection is gone: its batch aborted, its transaction rolled back, its statements deallocated. */
  private cleanupUnit(held: HeldSession | undefined): Uint8Array | undefined {
    const parts: Buffer[] = [];
    if (held?.midBatch) parts.push(ABORT_BATCH, syncMessage());
    if (held) parts.push(queryMessage('ROLLBACK'));
    const closes = this.names.closeAll();
    if (closes.length > 0) parts.push(...closes, syncMessage());
    return parts.length === 0 ? undefined : Buffer.concat(parts);
  }
}
