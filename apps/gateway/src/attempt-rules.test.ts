import { classifyAttemptError, mayRetryElsewhere, outcomeOfFailure, outcomeOfResponse } from './attempt-rules';

function withCode(code: string): Error {
  return Object.assign(new Error(code), { code });
}

describe('classifyAttemptError', () => {
  it.each(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_CONNECT_TIMEOUT'])(
    'treats %s as a connection failure',
    (code) => {
      expect(classifyAttemptError(withCode(code))).toBe('connection');
    },
  );

  it('finds the code of the first address in an AggregateError and behind a cause', () => {
    expect(classifyAttemptError(new AggregateError([withCode('ECONNREFUSED'), withCode('ENETUNREACH')]))).toBe(
      'connection',
    );
    expect(classifyAttemptError(new Error('fetch failed', { cause: withCode('ECONNRESET') }))).toBe('connection');
  });

  it('tells timeouts and aborts apart from connection failures', () => {
    expect(classifyAttemptError(withCode('UND_ERR_HEADERS_TIMEOUT'))).toBe('timeout');
    expect(classifyAttemptError(withCode('UND_ERR_BODY_TIMEOUT'))).toBe('timeout');
    expect(classifyAttemptError(withCode('UND_ERR_ABORTED'))).toBe('aborted');
    expect(classifyAttemptError(Object.assign(new Error('x'), { name: 'AbortError' }))).toBe('aborted');
  });

  it('calls anything unknown "other"', () => {
    expect(classifyAttemptError(withCode('UND_ERR_INVALID_ARG'))).toBe('other');
    expect(classifyAttemptError(new Error('boom'))).toBe('other');
    expect(classifyAttemptError('a string')).toBe('other');
  });
});

describe('mayRetryElsewhere', () => {
  it.each(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'])('retries %s while no body has been sent', (method) => {
    expect(mayRetryElsewhere(method, {}, false)).toBe(true);
    expect(mayRetryElsewhere(method, {}, true)).toBe(false);
  });

  it('retries a POST only when it carries an Idempotency-Key', () => {
    expect(mayRetryElsewhere('POST', {}, false)).toBe(false);
    expect(mayRetryElsewhere('POST', { 'idempotency-key': 'order-123456' }, false)).toBe(true);
    expect(mayRetryElsewhere('POST', { 'idempotency-key': 'order-123456' }, true)).toBe(false);
  });

  it('never retries PATCH', () => {
    expect(mayRetryElsewhere('PATCH', { 'idempotency-key': 'k-12345678' }, false)).toBe(false);
  });
});

describe('what an attempt says about the instance', () => {
  it('counts failures to answer against it, but not a client that went away', () => {
    expect(outcomeOfFailure).toEqual({
      connection: 'failure',
      timeout: 'failure',
      other: 'failure',
      aborted: 'neutral',
    });
  });

  it.each([
    [200, undefined, false, 'success'],
    [404, undefined, false, 'success'],
    [500, undefined, false, 'failure'],
    [503, undefined, true, 'failure'],
    [200, new Error('upstream reset'), false, 'failure'],
    [200, new Error('client closed'), true, 'neutral'],
  ] as const)('status %d, stream error %p, client gone %p: %s', (status, error, clientGone, outcome) => {
    expect(outcomeOfResponse(status, error, clientGone)).toBe(outcome);
  });
});
