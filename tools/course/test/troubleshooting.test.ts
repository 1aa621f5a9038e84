import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { freePort } from '@lab/testing';

import { startLabStack, type LabStack } from '../src/lab/lab-stack';
import { formatLabFailure, runLab } from '../src/lab/run-lab';
import { readReadmeExample } from '../src/readme-examples/read-readme-example';
import { REPOSITORY_ROOT } from '../src/repository-root';

/**
 * docs/troubleshooting.md is run as written: every `sh run` block, in order, in one shell at the
 * repository root, against a fresh stack, each output compared with the page. Blocks that need
 * Docker are parsed by bash, not run. So a diagnosis command in it cannot name an endpoint, a field
 * or a CLI option that does not exist.
 */
const PAGE = 'docs/troubleshooting.md';

describe(PAGE, () => {
  let lab: LabStack;
  beforeAll(async () => {
    lab = await startLabStack({ checkpoints: [] });
  }, 150_000);
  afterAll(() => lab?.stop(), 60_000);

  it('runs every command with the output it shows', async () => {
    const page = readReadmeExample(readFileSync(path.join(REPOSITORY_ROOT, PAGE), 'utf8'), PAGE);
    if (!page) throw new Error(`${PAGE} has no sh run blocks`);
    const result = await runLab(page, {
      cwd: REPOSITORY_ROOT,
      env: { ...process.env, ...lab.variables },
      provided: lab.variables,
      freePort,
    });
    if (!result.ok) throw new Error(formatLabFailure(PAGE, result.failure));
    expect(result.commands).toBe(13);
  }, 180_000);

  it('covers the failures it promises, and links only to files that exist', () => {
    const text = readFileSync(path.join(REPOSITORY_ROOT, PAGE), 'utf8');
    const headings = [...text.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(headings).toEqual([
      'An instance never appears',
      'A stale instance is still called',
      'Flapping checks',
      'Wrong address inside a container',
      'The registry is down',
      'A configuration change is not applied',
      'A breaker stuck open',
    ]);
    const targets = [...text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1]);
    expect(targets.filter((t) => !existsSync(path.resolve(REPOSITORY_ROOT, 'docs', t)))).toEqual([]);
  });
});
