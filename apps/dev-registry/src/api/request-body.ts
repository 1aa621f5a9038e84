import type { IncomingMessage } from 'node:http';
import { HttpError, badRequest } from './http-error';

/** Reads a request body, refusing more than `limit` bytes with a 413 before buffering it all. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const tooLarge = (size: number | string): HttpError =>
    // The rest of the body is left unread, so the connection cannot be reused.
    new HttpError(413, `Request body (${size} bytes) too large, max size: ${limit} bytes`, { connection: 'close' });
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(declared);

  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(`more than ${limit}`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Consul's wording for a body that is not JSON. */
export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw badRequest(`Request decode failed: ${(error as Error).message}`);
  }
}
