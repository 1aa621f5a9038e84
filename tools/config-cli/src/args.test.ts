import { UsageError } from '@lab/common';
import { parseCliArgs } from './args';

describe('parseCliArgs', () => {
  it('reads a command with its options and positionals', () => {
    expect(parseCliArgs(['set', '--service', 'order-service', '-b', 'etcd', 'flags/x', '{"enabled":true}'])).toEqual({
      command: 'set',
      service: 'order-service',
      backend: 'etcd',
      env: undefined,
      configDir: undefined,
      prune: false,
      waitMs: 0,
      key: 'flags/x',
      value: '{"enabled":true}',
    });
    expect(parseCliArgs(['seed', '--prune', '-e', 'production'])).toMatchObject({
      command: 'seed',
      prune: true,
      env: 'production',
    });
    expect(parseCliArgs(['seed', '--wait', '90s'])).toMatchObject({ waitMs: 90_000 });
    expect(parseCliArgs(['--help'])).toBe('help');
  });

  it.each([
    [[], /missing command/],
    [['deploy'], /unknown command "deploy"/],
    [['seed', '--force'], /Unknown option '--force'/],
    [['set', '--service', 's', 'only-a-key'], /set takes a key and a value/],
    [['get', 'a', 'b'], /get takes at most one key/],
    [['diff', 'extra'], /diff takes no arguments/],
    [['diff', '--prune'], /--prune only applies to seed/],
    [['get', '--service', '../etc'], /not a folder name/],
    [['seed', '--wait', 'a while'], /--wait: "a while" is not a duration/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseCliArgs(argv as string[])).toThrow(UsageError);
    expect(() => parseCliArgs(argv as string[])).toThrow(message);
  });
});
