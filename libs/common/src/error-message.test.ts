import { runInNewContext } from 'node:vm';
import { describeError, errorMessage } from './error-message';

describe('errorMessage', () => {
  it('is the message of an Error, without its stack', () => {
    expect(errorMessage(new TypeError('bad input'))).toBe('bad input');
  });

  it('reads an error made in another realm by its message', () => {
    const foreign: unknown = runInNewContext('new Error("connect ECONNREFUSED 127.0.0.1:1")');
    expect(foreign instanceof Error).toBe(false);
    expect(errorMessage(foreign)).toBe('connect ECONNREFUSED 127.0.0.1:1');
  });

  it('is the text of anything else that was thrown', () => {
    expect(errorMessage('plain string')).toBe('plain string');
    expect(errorMessage(42)).toBe('42');
    expect(errorMessage(undefined)).toBe('undefined');
  });
});

describe('describeError', () => {
  const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

  it('puts the code in front of a message that lacks it', () => {
    expect(describeError(withCode('other side closed', 'UND_ERR_SOCKET'))).toBe('UND_ERR_SOCKET other side closed');
  });

  it('does not repeat a code the message already names', () => {
    expect(describeError(withCode('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED'))).toBe(
      'connect ECONNREFUSED 127.0.0.1:1',
    );
  });

  it('reads an AggregateError without a message through its first error', () => {
    const refused = new AggregateError(
      [withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED'), new Error('connect ECONNREFUSED 127.0.0.1:5432')],
      '',
    );
    expect(describeError(refused)).toBe('connect ECONNREFUSED ::1:5432');
  });

  it('keeps one line, and falls back to the code alone', () => {
    expect(describeError(new Error('first line\n    at somewhere'))).toBe('first line');
    expect(describeError(withCode('', 'ETIMEDOUT'))).toBe('ETIMEDOUT');
    expect(describeError(null)).toBe('null');
  });
});
