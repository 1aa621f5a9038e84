import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadComposeFile } from '../src/compose/load-compose';
import { IMAGE_APPS, repoPath } from '../src/repo';

// What each image's node_modules holds, worked out offline: the Dockerfile's bundle stage runs
// deploy/docker/production-manifests.js and then `npm ci --omit=dev --workspace <workspace>` on the
// package.json files and the lock file; here the same two steps run on a copy of them, with
// --dry-run (npm lists what it would add, from the lock file alone, fetching nothing).

// eslint-disable-next-line @typescript-eslint/no-require-imports
const manifests = require(repoPath('deploy', 'docker', 'production-manifests.js')) as {
  withoutWorkspaceDevDependencies(lock: unknown): { lock: { packages: Record<string, unknown> }; workspaces: string[] };
  stripDevDependencies(root: string): string[];
};

/** Needed only to build, test or develop: none may reach an image. */
const DEVELOPMENT_ONLY = [
  '@electric-sql/pglite',
  '@lab/embedded-postgres',
  '@lab/testing',
  'testcontainers',
  'typescript',
  'jest',
  '@swc/core',
  'nx',
  'eslint',
  'prettier',
];

/** Every workspace folder of the repository (what npm's `workspaces` globs match). */
function workspaceFolders(): string[] {
  const globs = (JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { workspaces: string[] }).workspaces;
  return globs.flatMap((glob) =>
    glob.endsWith('/*')
      ? readdirSync(repoPath(glob.slice(0, -2))).map((name) => `${glob.slice(0, -2)}/${name}`)
      : [glob],
  );
}

/** The bundle stage's input: package.json files and the lock file, nothing else. */
function copyManifests(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'image-contents-'));
  for (const file of ['package.json', 'package-lock.json']) cpSync(repoPath(file), path.join(root, file));
  for (const folder of workspaceFolders().filter((f) => existsSync(repoPath(f, 'package.json')))) {
    mkdirSync(path.join(root, folder), { recursive: true });
    cpSync(repoPath(folder, 'package.json'), path.join(root, folder, 'package.json'));
  }
  return root;
}

/** The packages `npm ci --omit=dev --workspace <workspace>` adds, by name. */
function installedBy(root: string, workspace: string): string[] {
  const output = execFileSync(
    'npm',
    [
      'ci',
      '--dry-run',
      '--offline',
      '--ignore-scripts',
      '--omit=dev',
      '--workspace',
      workspace,
      '--no-audit',
      '--no-fund',
    ],
    { cwd: root, encoding: 'utf8', env: { ...process.env, npm_config_cache: path.join(root, '.npm-cache') } },
  );
  return output
    .split('\n')
    .filter((line) => line.startsWith('add '))
    .map((line) => line.split(' ')[1]);
}

const compose = loadComposeFile(repoPath('docker-compose.yml'));
const seedWorkspace = String(compose.services['config-seed'].build?.args?.WORKSPACE);

/** Each image the repository builds, with the production dependencies it must hold. */
const IMAGES: { image: string; workspace: string; needs: string[] }[] = [
  ...IMAGE_APPS.map((app) => ({
    image: app,
    workspace: `apps/${app}`,
    needs: app === 'dev-registry' ? ['pino', 'zod'] : ['@lab/service-kit', 'express', 'pg', 'pino'],
  })),
  { image: 'config-seed', workspace: seedWorkspace, needs: ['@lab/config', 'zod', 'yaml', 'etcd3'] },
];

describe('production-manifests.js', () => {
  it('drops the devDependencies of every workspace and of nothing else', () => {
    const lock = {
      packages: {
        '': { devDependencies: { typescript: '~6' } },
        'libs/service-kit': { dependencies: { pg: '^8' }, devDependencies: { '@lab/embedded-postgres': '*' } },
        'node_modules/jest': { devDependencies: { x: '1' } },
      },
    };
    const { lock: stripped, workspaces } = manifests.withoutWorkspaceDevDependencies(lock);
    expect(workspaces).toEqual(['libs/service-kit']);
    expect(stripped.packages).toEqual({
      '': { devDependencies: { typescript: '~6' } },
      'libs/service-kit': { dependencies: { pg: '^8' } },
      'node_modules/jest': { devDependencies: { x: '1' } },
    });
    expect(lock.packages['libs/service-kit'].devDependencies).toBeDefined();
  });
});

describe('what each image installs (the bundle stage, offline)', () => {
  let root: string;
  beforeAll(() => {
    root = copyManifests();
    manifests.stripDevDependencies(root);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.each(IMAGES.map((image) => [image.image, image]))(
    '%s: its production dependencies, and nothing only development needs',
    (_image, { workspace, needs }) => {
      const installed = installedBy(root, workspace);
      expect(installed).toEqual(expect.arrayContaining(needs));
      expect(DEVELOPMENT_ONLY.filter((name) => installed.includes(name))).toEqual([]);
    },
    30_000,
  );

  it('would carry PGlite and the test libraries without dropping the devDependencies first', () => {
    const unstripped = copyManifests();
    try {
      const installed = installedBy(unstripped, 'apps/inventory-service');
      expect(installed).toEqual(expect.arrayContaining(['@electric-sql/pglite', '@lab/testing', 'testcontainers']));
    } finally {
      rmSync(unstripped, { recursive: true, force: true });
    }
  }, 30_000);
});
