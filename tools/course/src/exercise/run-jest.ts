import path from 'node:path';

import { runCLI } from 'jest';

import { REPOSITORY_ROOT } from '../repository-root';

/** One Jest project of a grading run: some test files, with modules mapped for this run. */
export interface GradingProject {
  /** Names the project in the results: `submission`, or a mutant's id. */
  name: string;
  rootDir: string;
  testFiles: string[];
  /** Extra module mappings (a regular expression of the import -> a file), over the repository's. */
  moduleNameMapper?: Record<string, string>;
}

export interface TestOutcome {
  /** The describe blocks and the test's own title, joined by " › ". */
  title: string;
  status: 'passed' | 'failed' | 'skipped' | 'todo';
  /** The first failure message, without stack frames or colours. */
  failure?: string;
}

export interface ProjectOutcome {
  name: string;
  tests: TestOutcome[];
  /** A test file that could not run at all (a syntax error, an import that fails). */
  errors: string[];
}

interface ProjectConfigFactory {
  projectConfig(
    projectDir: string,
    overrides?: Record<string, unknown>,
  ): Record<string, unknown> & {
    moduleNameMapper: Record<string, string>;
  };
}

/**
 * Runs Jest in this process over the given projects, with the repository's settings (swc, the
 * @lab/* mappings), and returns what happened to every test. Jest prints nothing unless `verbose`.
 */
export async function runGradingProjects(
  projects: GradingProject[],
  options: { verbose?: boolean } = {},
): Promise<ProjectOutcome[]> {
  const preset = (await import(path.join(REPOSITORY_ROOT, 'jest.preset.js'))) as ProjectConfigFactory & {
    default?: ProjectConfigFactory;
  };
  const { projectConfig } = preset.default ?? preset;
  const configs = projects.map((project) => {
    const base = projectConfig(project.rootDir);
    return {
      ...base,
      displayName: project.name,
      roots: [project.rootDir],
      testMatch: project.testFiles,
      moduleNameMapper: { ...project.moduleNameMapper, ...base.moduleNameMapper },
    };
  });
  const config = {
    projects: configs,
    reporters: options.verbose ? ['default'] : [],
    silent: !options.verbose,
    testTimeout: 10_000,
    maxWorkers: 2,
  };
  // Jest runs a few fast test files in this very process. A test that leaves a promise rejected with
  // nothing to handle it (easy to write against a broken copy) must fail that test, not end the grader.
  const ignore = () => undefined;
  process.on('unhandledRejection', ignore);
  let results: Awaited<ReturnType<typeof runCLI>>['results'];
  try {
    ({ results } = await runCLI({ $0: 'exercise', _: [], config: JSON.stringify(config) }, [REPOSITORY_ROOT]));
  } finally {
    process.off('unhandledRejection', ignore);
  }

  const byName = new Map<string, ProjectOutcome>(
    projects.map((p) => [p.name, { name: p.name, tests: [], errors: [] }]),
  );
  for (const file of results.testResults) {
    const outcome = byName.get(file.displayName?.name ?? '');
    if (!outcome) continue;
    if (file.testExecError || (file.failureMessage && file.testResults.length === 0)) {
      outcome.errors.push(
        cleanMessage(file.testExecError?.message ?? file.failureMessage ?? 'the test file did not run'),
      );
    }
    for (const test of file.testResults) {
      const status =
        test.status === 'passed' || test.status === 'failed' || test.status === 'todo' ? test.status : 'skipped';
      outcome.tests.push({
        title: [...test.ancestorTitles, test.title].join(' › '),
        status,
        failure: test.failureMessages[0] === undefined ? undefined : cleanMessage(test.failureMessages[0]),
      });
    }
  }
  return [...byName.values()];
}

/** A failure message as a student reads it: no colour codes, no stack frames. */
export function cleanMessage(message: string): string {
  // eslint-disable-next-line no-control-regex
  const plain = message.replace(/\u001b\[[0-9;]*m/g, '');
  return plain
    .split('\n')
    .filter((line) => !/^\s+at /.test(line))
    .join('\n')
    .trim();
}
