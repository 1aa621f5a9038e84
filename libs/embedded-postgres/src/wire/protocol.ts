// The few pieces of the Postgres frontend/backend protocol (version 3) the server has to understand
// itself; everything else passes through to PGlite untouched.

/** Request codes of the untyped messages a client may send first. */
export const PROTOCOL_3_0 = 196608;
export const SSL_REQUEST = 80877103;
export const GSSENC_REQUEST = 80877104;
export const CANCEL_REQUEST = 80877102;

/** Frontend message types (the first byte of a typed message). */
export const MessageType = {
  Bind: 0x42, // B
  Close: 0x43, // C
  CopyDone: 0x63, // c
  CopyFail: 0x66, // f
  Describe: 0x44, // D
  Execute: 0x45, // E
  Flush: 0x48, // H
  FunctionCall: 0x46, // F
  Parse: 0x50, // P
  Query: 0x51, // Q
  Sync: 0x53, // S
  Terminate: 0x58, // X
} as const;

/** Upper bound for one message; a real server refuses far less, this only stops garbage lengths. */
export const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

/** A typed frontend message with no body, such as Sync. */
function bare(type: number): Buffer {
  const message = Buffer.alloc(5);
  message[0] = type;
  message.writeInt32BE(4, 1);
  return message;
}

export const syncMessage = (): Buffer => bare(MessageType.Sync);

/** A typed message: type byte, Int32 length (itself included), body. */
export function typedMessage(type: number, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header[0] = type;
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

export function cString(value: string): Buffer {
  return Buffer.from(`${value}\0`, 'utf8');
}

export const queryMessage = (sql: string): Buffer => typedMessage(MessageType.Query, cString(sql));

/** Close ('S' statement or 'P' portal) of one name. */
export const closeMessage = (kind: 'S' | 'P', name: string): Buffer =>
  typedMessage(MessageType.Close, Buffer.concat([Buffer.from(kind), cString(name)]));

/** A backend ErrorResponse (severity FATAL or ERROR, SQLSTATE code, message). */
export function errorResponse(severity: 'ERROR' | 'FATAL', code: string, message: string): Buffer {
  const field = (tag: string, value: string): Buffer => Buffer.concat([Buffer.from(tag), cString(value)]);
  const body = Buffer.concat([
    field('S', severity),
    field('V', severity),
    field('C', code),
    field('M', message),
    Buffer.alloc(1),
  ]);
  return typedMessage(0x45 /* E */, body);
}
