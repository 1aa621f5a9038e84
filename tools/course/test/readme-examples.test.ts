import { globSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

import { freePort } from '@lab/testing';

import { formatLabFailure, runLab } from '../src/lab/run-lab';
import { readReadmeExample } from '../src/readme-examples/read-readme-example';
import { REPOSITORY_ROOT } from '../src/repository-root';

/**
 * Every lib README has a runnable example, and it runs where the README says: inside the repository
 * after `npm run build` (which `npm test` does first), in a scratch folder under `.data/`, where
 * packages resolve exactly as at the repository root. Its output is compared with the README.
 */
const readmes = globSync('libs/*/README.md', { cwd: REPOSITORY_ROOT }).sort();

it('finds the lib READMEs', () => {
  expect(readmes).toContain('libs/resilience/README.md');
});

describe.each(readmes)('%s', (readme) => {
  it('has a runnable example that runs with the output it shows', async () => {
    const example = readReadmeExample(readFileSync(path.join(REPOSITORY_ROOT, readme), 'utf8'), readme);
    if (!example) {
      throw new Error(`${readme} has no runnable example: mark its blocks with \`sh run\` and \`file=NAME\``);
    }
    mkdirSync(path.join(REPOSITORY_ROOT, '.data'), { recursive: true });
    const cwd = mkdtempSync(path.join(REPOSITORY_ROOT, '.data', 'readme-example-'));
    try {
      const result = await runLab(example, { cwd, env: process.env, provided: {}, freePort });
      if (!result.ok) throw new Error(formatLabFailure(readme, result.failure));
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  }, 90_000);
});
