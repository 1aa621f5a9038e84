import { CANCEL_REQUEST, GSSENC_REQUEST, MAX_MESSAGE_BYTES, SSL_REQUEST } from './protocol';

export type FrontendMessage =
  /** SSLRequest or GSSENCRequest: the client asks for encryption before its startup packet. */
  | { kind: 'encryption-request' }
  | { kind: 'cancel-request' }
  /** StartupMessage, whole (length included), with its protocol version. */
  | { kind: 'startup'; version: number; bytes: Buffer }
  /** A typed message, whole: type byte, length, body. */
  | { kind: 'typed'; type: number; bytes: Buffer };

export class ProtocolViolation extends Error {
  readonly code = 'PROTOCOL_VIOLATION';
}

const EMPTY: Buffer = Buffer.alloc(0);

/**
 * Cuts a client's byte stream into protocol messages. Until the startup packet, messages are
 * untyped (Int32 length, Int32 code); after it, each starts with a type byte. Messages are handed
 * out whole, however TCP split or merged them.
 */
export class FrontendReader {
  private buffered = EMPTY;
  private offset = 0;
  private started = false;

  push(chunk: Buffer): void {
    if (this.offset === this.buffered.length) this.buffered = chunk;
    else this.buffered = Buffer.concat([this.buffered.subarray(this.offset), chunk]);
    this.offset = 0;
  }

  /** The next complete message, or undefined until more bytes arrive. */
  next(): FrontendMessage | undefined {
    return this.started ? this.nextTyped() : this.nextUntyped();
  }

  private nextUntyped(): FrontendMessage | undefined {
    const available = this.buffered.length - this.offset;
    if (available < 8) return undefined;
    const length = this.buffered.readInt32BE(this.offset);
    if (length < 8 || length > 10_000) throw new ProtocolViolation(`invalid startup packet length ${length}`);
    if (available < length) return undefined;
    const code = this.buffered.readInt32BE(this.offset + 4);
    const bytes = this.take(length);
    if (code === SSL_REQUEST || code === GSSENC_REQUEST) return { kind: 'encryption-request' };
    if (code === CANCEL_REQUEST) return { kind: 'cancel-request' };
    this.started = true;
    return { kind: 'startup', version: code, bytes };
  }

  private nextTyped(): FrontendMessage | undefined {
    const available = this.buffered.length - this.offset;
    if (available < 5) return undefined;
    const length = this.buffered.readInt32BE(this.offset + 1);
    if (length < 4 || length > MAX_MESSAGE_BYTES) throw new ProtocolViolation(`invalid message length ${length}`);
    if (available < length + 1) return undefined;
    const type = this.buffered[this.offset];
    return { kind: 'typed', type, bytes: this.take(length + 1) };
  }

  private take(length: number): Buffer {
    const bytes = this.buffered.subarray(this.offset, this.offset + length);
    this.offset += length;
    return bytes;
  }
}
