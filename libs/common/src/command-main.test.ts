import { Writable } from 'node:stream';

import { runCommandMain, type CommandProcess } from './command-main';

/** A process whose streams finish each write only when the test says so, as a slow pipe would. */
function fakeProcess(argv: string[]) {
  const written = { stdout: '', stderr: '' };
  const pending: (() => void)[] = [];
  const stream = (name: 'stdout' | 'stderr') =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        written[name] += chunk.toString();
        pending.push(done);
      },
    });
  const exits: number[] = [];
  const proc: CommandProcess = {
    argv: ['node', 'main.js', ...argv],
    env: { GW: 'http://gw' },
    stdout: stream('stdout'),
    stderr: stream('stderr'),
    exit: (code) => void exits.push(code),
  };
  /** Lets every write so far finish, and whatever that sets off run. */
  const flush = async () => {
    for (let i = 0; i < 5; i++) {
      pending.splice(0).forEach((done) => done());
      await new Promise(setImmediate);
    }
  };
  return { proc, written, exits, flush };
}

describe('runCommandMain', () => {
  it("gives the command the process's arguments, environment and lines, and exits with its code once written", async () => {
    const { proc, written, exits, flush } = fakeProcess(['abort', 'x']);
    const ran = runCommandMain(
      'chaos',
      async (argv, io) => {
        io.out(`${argv.join(' ')} at ${io.env.GW}`);
        io.out('second line');
        io.err('careful');
        return 1;
      },
      proc,
    );
    await new Promise(setImmediate);
    expect(written).toEqual({ stdout: 'abort x at http://gw\n', stderr: 'careful\n' });
    expect(exits).toEqual([]); // the second line is not out yet
    await flush();
    await ran;
    expect(written).toEqual({ stdout: 'abort x at http://gw\nsecond line\n', stderr: 'careful\n' });
    expect(exits).toEqual([1]);
  });

  it('reports an error the command let escape in one line under its name, and exits 2', async () => {
    const { proc, written, exits, flush } = fakeProcess([]);
    const ran = runCommandMain(
      'load',
      () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { stack: 'at somewhere' })),
      proc,
    );
    await flush();
    await ran;
    expect(written.stderr).toBe('load: connect ECONNREFUSED\n');
    expect(exits).toEqual([2]);
  });
});
