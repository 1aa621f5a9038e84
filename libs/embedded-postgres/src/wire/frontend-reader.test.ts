import { FrontendReader, ProtocolViolation } from './frontend-reader';
import { CANCEL_REQUEST, PROTOCOL_3_0, SSL_REQUEST, cString, queryMessage, syncMessage } from './protocol';

function untyped(code: number, body: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(8);
  header.writeInt32BE(8 + body.length, 0);
  header.writeInt32BE(code, 4);
  return Buffer.concat([header, body]);
}

const startup = untyped(PROTOCOL_3_0, Buffer.concat([cString('user'), cString('postgres'), Buffer.alloc(1)]));

function drain(reader: FrontendReader): string[] {
  const seen: string[] = [];
  for (let m = reader.next(); m; m = reader.next())
    seen.push(m.kind === 'typed' ? String.fromCharCode(m.type) : m.kind);
  return seen;
}

describe('FrontendReader', () => {
  it('answers an SSL request, then reads the startup packet and typed messages', () => {
    const reader = new FrontendReader();
    reader.push(Buffer.concat([untyped(SSL_REQUEST), startup, queryMessage('SELECT 1'), syncMessage()]));
    expect(drain(reader)).toEqual(['encryption-request', 'startup', 'Q', 'S']);
  });

  it('hands out the startup packet whole, with its protocol version', () => {
    const reader = new FrontendReader();
    reader.push(startup);
    expect(reader.next()).toEqual({ kind: 'startup', version: PROTOCOL_3_0, bytes: startup });
  });

  it('recognises a cancel request', () => {
    const reader = new FrontendReader();
    reader.push(untyped(CANCEL_REQUEST, Buffer.alloc(8)));
    expect(drain(reader)).toEqual(['cancel-request']);
  });

  it('waits for the rest of a message split across chunks, byte by byte', () => {
    const reader = new FrontendReader();
    const stream = Buffer.concat([startup, queryMessage('SELECT 42'), syncMessage()]);
    const seen: string[] = [];
    for (const byte of stream) {
      reader.push(Buffer.from([byte]));
      seen.push(...drain(reader));
    }
    expect(seen).toEqual(['startup', 'Q', 'S']);
  });

  it('returns the exact bytes of each typed message', () => {
    const reader = new FrontendReader();
    const query = queryMessage('SELECT 1');
    reader.push(startup);
    reader.next();
    reader.push(Buffer.concat([query, syncMessage()]));
    const first = reader.next();
    expect(first).toMatchObject({ kind: 'typed', type: 0x51 });
    expect(first?.kind === 'typed' && first.bytes.equals(query)).toBe(true);
  });

  it.each([
    ['a startup length below 8', Buffer.from([0, 0, 0, 4, 0, 0, 0, 0])],
    ['a typed length below 4', Buffer.concat([startup, Buffer.from([0x51, 0, 0, 0, 2])])],
  ])('rejects %s', (_name, bytes) => {
    const reader = new FrontendReader();
    reader.push(bytes);
    expect(() => drain(reader)).toThrow(ProtocolViolation);
  });
});
