import { UsageError } from '@lab/common';
import { parseCliOptions } from './cli-options';

describe('parseCliOptions', () => {
  it('defaults to 127.0.0.1:5432, in memory, 100 connections', () => {
    expect(parseCliOptions([])).toEqual({ port: 5432, host: '127.0.0.1', dataDir: undefined, maxConnections: 100 });
  });

  it('reads every flag', () => {
    expect(
      parseCliOptions(['--port', '0', '--host', '0.0.0.0', '--data-dir', '/var/data', '--max-connections=3']),
    ).toEqual({ port: 0, host: '0.0.0.0', dataDir: '/var/data', maxConnections: 3 });
  });

  it.each([
    [['--port', '70000'], /--port must be an integer from 0 to 65535/],
    [['--port', '12ab'], /--port/],
    [['--max-connections', '0'], /--max-connections must be an integer from 1/],
    [['--data-dir', ' '], /--data-dir must not be empty/],
    [['--verbose'], /Unknown option '--verbose'/],
    [['stray'], /positional/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseCliOptions(argv)).toThrow(UsageError);
    expect(() => parseCliOptions(argv)).toThrow(message);
  });
});
