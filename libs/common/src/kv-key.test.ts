import { assertKvKey } from './kv-key';

describe('assertKvKey', () => {
  it('accepts slash-separated paths', () => {
    expect(() => assertKvKey('consul', 'config/order-service/logLevel')).not.toThrow();
    expect(() => assertKvKey('consul', 'single')).not.toThrow();
  });

  it.each(['', '/config/a', 'config/a/', 'config//a'])('refuses %p, naming the backend and the rule', (key) => {
    expect(() => assertKvKey('zookeeper', key)).toThrow(RangeError);
    expect(() => assertKvKey('zookeeper', key)).toThrow(
      /^zookeeper KV: invalid key .*no leading, trailing or double slash/,
    );
  });
});
