import type { HttpReply } from './call';

/** The fields a problem+json answer names in its `errors`. */
export function problemFields(reply: HttpReply): string[] {
  const errors: unknown = reply.body?.errors;
  return Array.isArray(errors) ? errors.map((e: { field?: unknown }) => String(e.field)) : [];
}

/**
 * Asserts an RFC 9457 problem answer: the status, Content-Type application/problem+json, a body
 * with that status and a title, and — when `fields` is given — an `errors` list naming each of them
 * (others may be named too).
 */
export function expectProblem(reply: HttpReply, status: number, fields?: string | readonly string[]): void {
  expect({ status: reply.status, type: reply.headers.get('content-type') }).toEqual({
    status,
    type: expect.stringContaining('application/problem+json'),
  });
  expect(reply.body).toMatchObject({ status, title: expect.any(String) });
  if (fields !== undefined) {
    expect(problemFields(reply)).toEqual(expect.arrayContaining(typeof fields === 'string' ? [fields] : [...fields]));
  }
}

/**
 * Sends `request` and asserts that it was refused (a problem answer, as expectProblem checks) and
 * that it changed nothing: `state()` — the rows of the service's tables, say — reads the same
 * before and after. Returns the reply for further checks.
 */
export async function expectRejected(
  request: () => Promise<HttpReply>,
  o: { status: number; fields?: string | readonly string[]; state: () => Promise<unknown> },
): Promise<HttpReply> {
  const before = await o.state();
  const reply = await request();
  expectProblem(reply, o.status, o.fields);
  expect(await o.state()).toEqual(before);
  return reply;
}
