import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { requireInfraFrom } from '@lab/testing';

/**
 * What a newcomer on an older Node.js sees: `npm ci` refuses at once (engine-strict), and every
 * script that runs the code starts with tools/check-node.js, which says in one line what is
 * needed, what was found and how to switch. The old Node is TEST_OLD_NODE or the system's
 * /usr/bin/node when that is older than package.json allows.
 */
const root = path.resolve(__dirname, '../..');
const packageJson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  engines: { node: string };
  scripts: Record<string, string>;
};
const minimum = /^>=(\d+\.\d+\.\d+)$/.exec(packageJson.engines.node)?.[1];
const recommended = readFileSync(path.join(root, '.nvmrc'), 'utf8').trim();
const preflight = path.join(root, 'tools/check-node.js');

const versionOf = (node: string) => spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout?.trim();
const major = (version: string) => Number(version.replace(/^v/, '').split('.')[0]);

/** An installed Node.js older than the minimum, or why there is none. */
function findOldNode(): { node: string; version: string } | { reason: string } {
  const candidates = [process.env.TEST_OLD_NODE, '/usr/bin/node'].filter((c): c is string => !!c);
  for (const node of candidates) {
    const version = versionOf(node);
    if (version && minimum && major(version) < major(minimum)) return { node, version };
  }
  return { reason: `no Node.js older than ${minimum} at ${candidates.join(' or ')} (set TEST_OLD_NODE)` };
}

describe('the Node.js version check', () => {
  it('is where a newcomer meets it: engines, .npmrc and the front of every script that runs the code', () => {
    expect(minimum).toBeDefined();
    expect(major(recommended)).toBeGreaterThanOrEqual(major(minimum!));
    const npmrc = readFileSync(path.join(root, '.npmrc'), 'utf8');
    expect(npmrc).toMatch(/^engine-strict=true$/m);
    // Settings only: no registry or credentials, so CI's and every user's own npm setup still apply.
    expect(npmrc.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'))).toEqual([
      'engine-strict=true',
    ]);
    for (const script of ['start', 'test', 'lab', 'exercise', 'bench:gateway', 'bench:resilience']) {
      expect({ script, command: packageJson.scripts[script] }).toEqual({
        script,
        command: expect.stringMatching(/^node tools\/check-node\.js && /),
      });
    }
  });

  it('lets a recent enough Node through without a word', () => {
    const result = spawnSync(process.execPath, [preflight], { encoding: 'utf8' });
    expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({
      status: 0,
      stdout: '',
      stderr: '',
    });
  });

  const old = findOldNode();
  if ('reason' in old) {
    if (requireInfraFrom()) {
      it('has an older Node.js to try', () => {
        throw new Error(`${old.reason}; REQUIRE_INFRA=1`);
      });
    } else {
      console.warn(`skipping the older-Node.js checks: ${old.reason}`);
      it.skip('stops an older Node.js with one line that says what to do', () => undefined);
    }
    return;
  }

  it(`stops ${old.version} with one line that says what is needed, what was found and how to switch`, () => {
    const result = spawnSync(old.node, [preflight], { encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(
      `This project needs Node.js ${minimum} or newer (${recommended} recommended); this is ${old.version} ` +
        `(${old.node}). Switch with \`nvm install\` here (it reads .nvmrc), or install Node.js ${recommended} ` +
        'and put it first on PATH.',
    );
  });

  it(`makes npm ci refuse ${old.version} before it installs anything`, () => {
    // The repository's own .npmrc and engines, in a project with nothing to install.
    const dir = mkdtempSync(path.join(tmpdir(), 'node-version-'));
    try {
      copyFileSync(path.join(root, '.npmrc'), path.join(dir, '.npmrc'));
      const project = { name: 'engines-check', version: '1.0.0', private: true, engines: packageJson.engines };
      writeFileSync(path.join(dir, 'package.json'), JSON.stringify(project));
      const lock = { name: project.name, version: project.version, lockfileVersion: 3, requires: true };
      const packages = { '': { name: project.name, version: project.version, engines: project.engines } };
      writeFileSync(path.join(dir, 'package-lock.json'), JSON.stringify({ ...lock, packages }));

      const env = { ...process.env, PATH: `${path.dirname(old.node)}${path.delimiter}${process.env.PATH}` };
      const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--offline'], {
        cwd: dir,
        env,
        encoding: 'utf8',
      });
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain('EBADENGINE');
      expect(result.stderr).toContain(`Required: {"node":"${packageJson.engines.node}"}`);
      expect(result.stderr).toContain(`"node":"${old.version}"`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
