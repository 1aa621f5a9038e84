import { CliUsageError, parseCliOptions } from './cli-options';

describe('parseCliOptions', () => {
  it('defaults to 127.0.0.1:8500 without ACLs', () => {
    expect(parseCliOptions([], {})).toEqual({ host: '127.0.0.1', port: 8500, logLevel: 'info' });
  });

  it('reads the environment, and lets flags win over it', () => {
    const env = {
      DEV_REGISTRY_HOST: '0.0.0.0',
      DEV_REGISTRY_PORT: '9500',
      DEV_REGISTRY_ACL_TOKEN: 's3cret',
      LOG_LEVEL: 'debug',
    };
    expect(parseCliOptions([], env)).toEqual({ host: '0.0.0.0', port: 9500, aclToken: 's3cret', logLevel: 'debug' });
    expect(parseCliOptions(['--port', '0', '--host', '::1'], env)).toMatchObject({ host: '::1', port: 0 });
  });

  it.each([
    [['--port', 'abc'], {}, '--port must be an integer'],
    [['--port', '70000'], {}, '--port must be an integer'],
    [[], { DEV_REGISTRY_PORT: '-1' }, 'DEV_REGISTRY_PORT must be an integer'],
    [['--host', ' '], {}, '--host must not be empty'],
    [['--verbose'], {}, "Unknown option '--verbose'"],
    [[], { DEV_REGISTRY_ACL_TOKEN: '' }, 'DEV_REGISTRY_ACL_TOKEN must not be empty'],
    [[], { LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  ])('refuses %j %j naming the culprit', (argv, env, message) => {
    expect(() => parseCliOptions(argv, env)).toThrow(CliUsageError);
    expect(() => parseCliOptions(argv, env)).toThrow(message);
  });
});
