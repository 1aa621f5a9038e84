import type { HttpReply } from './call';
import { expectProblem, expectRejected, problemFields } from './expect-problem';

function reply(status: number, body: unknown, type = 'application/problem+json; charset=utf-8'): HttpReply {
  return { status, headers: new Headers({ 'content-type': type }), body };
}

const validation = reply(400, {
  type: 'about:blank',
  title: 'Bad Request',
  status: 400,
  errors: [
    { field: 'body.items.0.quantity', message: 'Too small' },
    { field: 'body.email', message: 'Invalid email' },
  ],
});

describe('expectProblem', () => {
  it('accepts a problem answer with the status, naming the fields asked for', () => {
    expectProblem(validation, 400);
    expectProblem(validation, 400, 'body.email');
    expectProblem(validation, 400, ['body.email', 'body.items.0.quantity']);
    expectProblem(reply(404, { title: 'Not Found', status: 404 }), 404);
  });

  it.each([
    ['another status', () => expectProblem(validation, 409)],
    ['a field the errors do not name', () => expectProblem(validation, 400, 'body.password')],
    ['one of several fields missing', () => expectProblem(validation, 400, ['body.email', 'body.password'])],
    ['plain JSON', () => expectProblem(reply(400, { title: 'Bad Request', status: 400 }, 'application/json'), 400)],
    ['a body whose status disagrees', () => expectProblem(reply(400, { title: 'Bad Request', status: 500 }), 400)],
    ['a body without a title', () => expectProblem(reply(400, { status: 400 }), 400)],
    [
      'a field asked of a problem without errors',
      () => expectProblem(reply(401, { title: 'Unauthorized', status: 401 }), 401, 'body'),
    ],
  ])('fails on %s', (_name, assertion) => {
    expect(assertion).toThrow();
  });
});

describe('problemFields', () => {
  it('lists the fields in order, and nothing for a body without errors', () => {
    expect(problemFields(validation)).toEqual(['body.items.0.quantity', 'body.email']);
    expect(problemFields(reply(500, 'oops', 'text/plain'))).toEqual([]);
  });
});

describe('expectRejected', () => {
  it('passes when the request is refused and the state reads the same afterwards', async () => {
    const rows = ['a'];
    await expect(
      expectRejected(async () => validation, { status: 400, fields: 'body.email', state: async () => [...rows] }),
    ).resolves.toBe(validation);
  });

  it('fails when the refused request changed the state anyway', async () => {
    const rows = ['a'];
    const request = async () => {
      rows.push('written despite the 400');
      return validation;
    };
    await expect(expectRejected(request, { status: 400, state: async () => [...rows] })).rejects.toThrow();
  });

  it('fails when the request was not refused as expected', async () => {
    await expect(expectRejected(async () => validation, { status: 409, state: async () => [] })).rejects.toThrow();
  });
});
