import { closeMessage, MessageType } from './protocol';

/**
 * Named prepared statements and portals belong to a session, and behind this server every
 * connection shares PGlite's one session. Each connection therefore gets its own prefix for the
 * names it uses, so two connections may prepare the same name (as pooled clients of one service do)
 * without "prepared statement already exists", and a closed connection's statements can be
 * deallocated without touching anyone else's. The unnamed statement and portal, which most clients
 * use, need nothing: a unit of work never shares the session with another connection.
 */
export class StatementNamespace {
  private readonly prepared = new Set<string>();

  constructor(private readonly prefix: string) {}

  /** The message with its statement and portal names moved into this connection's namespace. */
  rewrite(message: Buffer): Buffer {
    switch (message[0]) {
      case MessageType.Parse: {
        const rewritten = this.prefixNames(message, 5, 1);
        const name = this.nameAt(rewritten, 5);
        if (name) this.prepared.add(name);
        return rewritten;
      }
      case MessageType.Bind:
        return this.prefixNames(message, 5, 2); // portal, statement
      case MessageType.Execute:
        return this.prefixNames(message, 5, 1); // portal
      case MessageType.Describe:
        return this.prefixNames(message, 6, 1); // after the 'S' / 'P' byte
      case MessageType.Close: {
        const rewritten = this.prefixNames(message, 6, 1);
        const name = this.nameAt(rewritten, 6);
        if (name && message[5] === 0x53 /* S */) this.prepared.delete(name);
        return rewritten;
      }
      default:
        return message;
    }
  }

  /** Close messages for every statement this connection left prepared (it went away). */
  closeAll(): Buffer[] {
    const closes = [...this.prepared].map((name) => closeMessage('S', name));
    this.prepared.clear();
    return closes;
  }

  /** Prefixes `count` consecutive C strings from `start`; the unnamed ones stay empty. */
  private prefixNames(message: Buffer, start: number, count: number): Buffer {
    const parts: Buffer[] = [];
    let cursor = start;
    let changed = false;
    for (let i = 0; i < count; i++) {
      const end = message.indexOf(0, cursor);
      if (end < 0) return message; // malformed: let the backend report it
      if (end > cursor) {
        parts.push(Buffer.from(this.prefix), message.subarray(cursor, end + 1));
        changed = true;
      } else {
        parts.push(message.subarray(cursor, end + 1));
      }
      cursor = end + 1;
    }
    if (!changed) return message;
    const rewritten = Buffer.concat([message.subarray(0, start), ...parts, message.subarray(cursor)]);
    rewritten.writeInt32BE(rewritten.length - 1, 1);
    return rewritten;
  }

  private nameAt(message: Buffer, start: number): string {
    const end = message.indexOf(0, start);
    return end < 0 ? '' : message.toString('utf8', start, end);
  }
}
