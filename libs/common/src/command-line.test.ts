import { parseCommandLine, UsageError } from './command-line';

describe('parseCommandLine', () => {
  const options = {
    rate: { type: 'string' },
    header: { type: 'string', multiple: true },
    help: { type: 'boolean', short: 'h', default: false },
  } as const;

  it('reads options and positionals as node:util parseArgs does', () => {
    const { values, positionals } = parseCommandLine(['--rate=5', '/api', '--header', 'a: 1', '-h', '--header=b: 2'], {
      allowPositionals: true,
      options,
    });
    expect(values).toEqual({ rate: '5', header: ['a: 1', 'b: 2'], help: true });
    expect(positionals).toEqual(['/api']);
    expect(parseCommandLine([], { options }).values).toEqual({ help: false });
  });

  it.each([
    [['--force'], /Unknown option '--force'/],
    [['--rate'], /--rate/],
    [['extra'], /Unexpected argument 'extra'/],
  ])('refuses %j with a UsageError saying what is wrong', (argv, message) => {
    const parse = () => parseCommandLine(argv, { options });
    expect(parse).toThrow(UsageError);
    expect(parse).toThrow(message);
  });

  it('gives a UsageError the name and code a caller can tell apart from a failure', () => {
    const error = new UsageError('--rate must be a number');
    expect(error).toBeInstanceOf(Error);
    expect({ name: error.name, code: error.code, message: error.message }).toEqual({
      name: 'UsageError',
      code: 'USAGE',
      message: '--rate must be a number',
    });
  });
});
