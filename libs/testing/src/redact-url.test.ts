import { redactUrl } from './redact-url';

describe('redactUrl', () => {
  it('hides the password and keeps the rest', () => {
    expect(redactUrl('postgres://app:s3cret@db:5432/orders')).toBe('postgres://app:***@db:5432/orders');
  });

  it('leaves a URL without a password alone', () => {
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });

  it('shows a ZooKeeper connect string as it is', () => {
    expect(redactUrl('127.0.0.1:2181')).toBe('127.0.0.1:2181');
    expect(redactUrl('zk1:2181,zk2:2181/lab')).toBe('zk1:2181,zk2:2181/lab');
  });

  it('never echoes something it cannot parse', () => {
    expect(redactUrl('not a url with pass')).toBe('<unparseable URL>');
  });
});
