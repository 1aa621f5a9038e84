import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';

import { BashSession, CommandTimeoutError } from './bash-session';

describe('BashSession', () => {
  let shell: BashSession;
  beforeEach(() => {
    shell = new BashSession({ cwd: tmpdir(), env: { PATH: process.env.PATH, HOME: tmpdir() } });
  });
  afterEach(() => shell.close());

  it('keeps variables, the working directory and functions from one block to the next', async () => {
    await shell.run('export GREETING=hello\nLOCAL=world\ncd /\nsay() { echo "said $1"; }', 5000);
    await expect(shell.run('echo "$GREETING $LOCAL from $PWD"; say it', 5000)).resolves.toEqual({
      output: 'hello world from /\nsaid it\n',
      exitCode: 0,
    });
  });

  it('interleaves stderr with stdout and reports the last exit status', async () => {
    const result = await shell.run('echo one; echo two >&2; printf three; false', 5000);
    expect(result).toEqual({ output: 'one\ntwo\nthree', exitCode: 1 });
  });

  it('gives commands an empty standard input and supports here-documents', async () => {
    await expect(shell.run('cat; cat <<EOF\nfrom a here-document\nEOF', 5000)).resolves.toEqual({
      output: 'from a here-document\n',
      exitCode: 0,
    });
  });

  it('times out a block that does not finish, with what it printed so far', async () => {
    const error = await shell.run('echo started; sleep 5', 300).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandTimeoutError);
    expect(error).toMatchObject({ timeoutMs: 300, output: 'started\n' });
  });

  it('close() ends background jobs the blocks started', async () => {
    const { output } = await shell.run('sleep 30 & echo $!', 5000);
    const pid = Number(output.trim());
    expect(isRunning(pid)).toBe(true);
    await shell.close();
    expect(isRunning(pid)).toBe(false);
  });
});

function isRunning(pid: number): boolean {
  try {
    // A zombie still answers kill(0); ask ps for the state instead.
    return !execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).startsWith('Z');
  } catch {
    return false;
  }
}
