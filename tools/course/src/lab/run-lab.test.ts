import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { waitFor } from '@lab/testing';

import { readLabDocument } from './lab-document';
import { formatLabFailure, runLab, type LabRunOptions } from './run-lab';

const fence = (info: string, body: string) => ['```' + info, body, '```'].join('\n');
const lab = (...parts: string[]) => readLabDocument(['# Lab', ...parts].join('\n\n'), 'lab.md');

let nextPort = 40_000;
const options: LabRunOptions = {
  cwd: tmpdir(),
  env: { PATH: process.env.PATH, HOME: tmpdir() },
  provided: { GW: 'http://127.0.0.1:18080' },
  freePort: async () => nextPort++,
  retryIntervalMs: 20,
};

describe('runLab', () => {
  it('runs every step in one shell and compares the output', async () => {
    const result = await runLab(
      lab(
        '## Step 1: variables',
        fence('sh env', 'export GW=http://127.0.0.1:8080\nexport DEMO_PORT=9101\nexport NAME=payments'),
        '## Step 2: they carry over',
        fence('sh', 'echo "$GW $NAME"; echo "port $DEMO_PORT"; COUNT=1'),
        fence('output', 'http://127.0.0.1:18080 payments\nport 40000'),
        fence('sh', 'echo "count $COUNT"'),
        fence('output', 'count 1'),
      ),
      options,
    );
    expect(result).toMatchObject({ ok: true, steps: 2, commands: 3 });
  });

  it('checks the syntax of a needs=docker block but does not run it', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'lab-needs-'));
    try {
      const shown = await runLab(
        lab(
          '## Step 1: x',
          fence('sh needs=docker', 'docker compose up -d && touch ran-it'),
          fence('output', 'this is never compared'),
          fence('sh', 'test ! -e ran-it && echo not run'),
          fence('output', 'not run'),
        ),
        { ...options, cwd },
      );
      expect(shown).toMatchObject({ ok: true, commands: 2 });
      const broken = await runLab(lab('## Step 1: x', fence('sh needs=kubernetes', 'if kubectl get pods; then')), {
        ...options,
        cwd,
      });
      expect(broken).toMatchObject({ ok: false, failure: { reason: expect.stringMatching(/^bash cannot parse/) } });
      expect(() => lab('## Step 1: x', fence('sh needs=podman', 'true'))).toThrow(/needs= takes docker or kubernetes/);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('stops at the first difference and says where', async () => {
    const result = await runLab(
      lab(
        '## Step 1: fine',
        fence('sh', 'echo ok'),
        fence('output', 'ok'),
        '## Step 2: wrong',
        fence('sh', 'printf "a\\nb\\n"'),
        fence('output', 'a\nc'),
        '## Step 3: never reached',
        fence('sh', 'echo unreachable > /dev/stderr'),
      ),
      options,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failure).toMatchObject({
      step: { number: 2 },
      reason: 'the output differs from the README',
      output: 'a\nb\n',
      mismatch: { expectedLine: 2, expectedText: 'c', actualLine: 2, actualText: 'b' },
    });
    expect(formatLabFailure('lab.md', result.failure)).toBe(
      [
        'Step 2 (wrong) failed: the output differs from the README.',
        '  command (lab.md:15):',
        '    printf "a\\nb\\n"',
        '  expected (lab.md:19):',
        '    a',
        '    c',
        '  actual output, exit status 0:',
        '    a',
        '    b',
        '  first difference: expected line 2 is: c',
        '                    output line 2 is: b',
      ].join('\n'),
    );
  });

  it('fails a command that exits non-zero unless the README says exit=N', async () => {
    const failing = await runLab(lab('## Step 1: x', fence('sh', 'false')), options);
    expect(failing).toMatchObject({ ok: false, failure: { reason: 'the command exited with status 1, not 0' } });
    const declared = await runLab(
      lab('## Step 1: x', fence('sh', 'echo no; false'), fence('output exit=1', 'no')),
      options,
    );
    expect(declared.ok).toBe(true);
  });

  it('runs an eventually block again until it prints what the README shows', async () => {
    const result = await runLab(
      lab(
        '## Step 1: x',
        fence('sh', 'TRIES=0'),
        fence('sh', 'TRIES=$((TRIES + 1)); echo "tries $((TRIES >= 3 ? 3 : TRIES))"'),
        fence('output eventually=5s', 'tries 3'),
      ),
      options,
    );
    expect(result.ok).toBe(true);
    const never = await runLab(
      lab('## Step 1: x', fence('sh', 'echo not yet'), fence('output eventually=1s', 'done')),
      options,
    );
    expect(never).toMatchObject({ ok: false, failure: { output: 'not yet\n' } });
    expect(never.durationMs).toBeGreaterThanOrEqual(1000);
  });

  it('calls afterSteps while what the steps started in the background still runs', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'lab-run-'));
    const running = (pid: string) => {
      // `ps` names a process that has exited but not been reaped yet too: state Z.
      try {
        return !execFileSync('ps', ['-o', 'stat=', '-p', pid], { encoding: 'utf8' }).trim().startsWith('Z');
      } catch {
        return false;
      }
    };
    let pid = '';
    let ranDuringAfterSteps = false;
    try {
      const result = await runLab(lab('## Step 1: x', fence('sh', 'sleep 30 &\necho $! > lab-pid')), {
        ...options,
        cwd,
        afterSteps: async () => {
          // Only whether it runs: its name may still be bash's, as `&` forks first and the child
          // replaces itself with sleep a moment later (later still on a loaded machine).
          pid = readFileSync(path.join(cwd, 'lab-pid'), 'utf8').trim();
          ranDuringAfterSteps = running(pid);
        },
      });
      expect(result.ok).toBe(true);
      expect(ranDuringAfterSteps).toBe(true);
      // runLab's end ends it (the shell's whole group is signalled): afterSteps really came first.
      await waitFor(() => !running(pid), { description: `the background job ${pid} to end with the shell` });
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('reports a command that hangs, and refuses an address it cannot provide', async () => {
    const hung = await runLab(lab('## Step 1: x', fence('sh timeout=1s', 'echo waiting; sleep 10')), options);
    expect(hung).toMatchObject({
      ok: false,
      failure: { reason: 'the command did not finish within 1 s', output: 'waiting\n' },
    });
    await expect(
      runLab(lab('## Step 1: x', fence('sh env', 'export DASHBOARD=http://localhost:3000')), options),
    ).rejects.toThrow(
      /exports DASHBOARD=http:\/\/localhost:3000, an address the runner does not provide \(it provides GW\)/,
    );
  });
});
