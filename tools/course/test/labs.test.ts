import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { freePort } from '@lab/testing';

import type { LabDefinition } from '../src/lab/lab-definition';
import type { LabDocument } from '../src/lab/lab-document';
import { startLabStack, type LabStack } from '../src/lab/lab-stack';
import { listLabs, loadLabDefinition, loadLabDocument } from '../src/lab/labs';
import { formatLabFailure, runLab } from '../src/lab/run-lab';
import { REPOSITORY_ROOT } from '../src/repository-root';
import { runCli } from './support/run-cli';

/**
 * Every lab, run as a student runs it: its README's steps in one shell against a fresh stack (one
 * per lab), each output compared with the README. `npm run lab -- check <n>` is asked before the
 * steps (nothing done yet: every checkpoint missing) and after them (every checkpoint met).
 */
const labs = listLabs();

it('finds the labs', () => {
  expect(labs.map((l) => l.name)).toContain('01-consul-registration');
});

describe.each(labs)('lab $number ($name)', (folder) => {
  let document: LabDocument;
  let definition: LabDefinition;
  let lab: LabStack;
  const check = () =>
    runCli('lab', ['check', String(folder.number)], { ...process.env, ...lab.variables }).then((run) => ({
      ...run,
      output: run.output.replace(/\r/g, ''),
    }));

  beforeAll(async () => {
    document = loadLabDocument(folder);
    definition = await loadLabDefinition(folder);
    lab = await startLabStack(definition);
  }, 120_000);
  afterAll(() => lab?.stop(), 60_000);

  it('lab check says what is missing on a fresh stack, and fails', async () => {
    const { code, output } = await check();
    expect(code).toBe(1);
    expect(output).toContain(document.title);
    expect(output).toContain(`0 of ${definition.checkpoints.length} checkpoints met`);
    for (const [index, checkpoint] of definition.checkpoints.entries()) {
      expect(output).toContain(`✗ ${index + 1}. ${checkpoint.title}\n       missing: `);
    }
  });

  // Asked while the lab's shell still runs: the processes it started are part of what it built.
  let afterSteps: Awaited<ReturnType<typeof check>> | undefined;

  it("runs the README's steps with the output it shows", async () => {
    const result = await runLab(document, {
      cwd: REPOSITORY_ROOT,
      env: { ...process.env, ...lab.variables },
      provided: lab.variables,
      freePort,
      afterSteps: async () => {
        afterSteps = await check();
      },
    });
    if (!result.ok) throw new Error(formatLabFailure(path.relative(REPOSITORY_ROOT, folder.readme), result.failure));
    console.log(`lab ${folder.number}: ${result.steps} steps, ${result.commands} commands in ${result.durationMs} ms`);
  }, 180_000);

  it('lab check passes once the steps are done', () => {
    expect(afterSteps?.output).toContain(`All ${definition.checkpoints.length} checkpoints met.`);
    expect(afterSteps?.code).toBe(0);
  });

  it('links only to files that exist', () => {
    const text = readFileSync(folder.readme, 'utf8');
    const targets = [...text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)]
      .map((m) => m[1])
      .filter((target) => !/^[a-z]+:/.test(target));
    expect(targets.length).toBeGreaterThan(0);
    const broken = targets.filter((target) => !existsSync(path.resolve(folder.dir, target)));
    expect(broken).toEqual([]);
  });
});
