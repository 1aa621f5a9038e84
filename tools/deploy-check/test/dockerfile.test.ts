import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { execForm, readDockerfile, type DockerStage } from '../src/dockerfile';
import { IMAGE_APPS, repoPath } from '../src/repo';

const dockerfile = readDockerfile(repoPath('Dockerfile'));
const stage = (name: string): DockerStage => {
  const found = dockerfile.stages.find((s) => s.name === name);
  if (!found) throw new Error(`no stage ${name}`);
  return found;
};
const runs = (s: DockerStage) => s.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
const final = dockerfile.stages[dockerfile.stages.length - 1];
const rootPackage = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  engines: { node: string };
};

describe('Dockerfile', () => {
  it('builds on the Node LTS line the repository runs on, slim Debian', () => {
    const base = dockerfile.globalArgs.find((arg) => arg.args.startsWith('NODE_IMAGE='))?.args;
    const major = readFileSync(repoPath('.nvmrc'), 'utf8').trim();
    expect(base).toBe(`NODE_IMAGE=node:${major}-bookworm-slim`);
    // The image's Node line is one package.json's engines allow (it may allow older ones too).
    const minimum = /^>=(\d+)(\.\d+){0,2}$/.exec(rootPackage.engines.node)?.[1];
    expect(Number(major)).toBeGreaterThanOrEqual(Number(minimum));
    expect(dockerfile.stages.every((s) => s.base === '${NODE_IMAGE}')).toBe(true);
  });

  it('installs with a cache mount and builds with the same script as the test run', () => {
    const build = runs(stage('build'));
    expect(build).toContainEqual(expect.stringMatching(/^--mount=type=cache,target=\/root\/\.npm npm ci\b/));
    expect(build).toContain('npm run build');
    // `npm test` starts with this very build (after the Node version check): what the tests
    // exercise is what the image holds.
    expect(rootPackage.scripts.test).toMatch(/^(node tools\/check-node\.js && )?npm run build &&/);
  });

  it("keeps only the production dependencies of APP's workspace, devDependencies dropped first", () => {
    const args = stage('bundle')
      .instructions.filter((i) => i.keyword === 'ARG')
      .map((i) => i.args);
    expect(args).toEqual(['APP', 'WORKSPACE=apps/${APP}']);
    const bundle = runs(stage('bundle')).join('\n');
    expect(bundle).toMatch(/--mount=type=cache,target=\/root\/\.npm/);
    // The image-contents check (image-contents.test.ts) runs these two commands, in this order.
    expect(bundle).toMatch(
      /node \/tmp\/production-manifests\.js \s*&& npm ci --omit=dev --workspace "\$\{WORKSPACE\}" --no-audit --no-fund/,
    );
    expect(stage('bundle').instructions.map((i) => i.args)).toContain(
      'deploy/docker/production-manifests.js /tmp/production-manifests.js',
    );
  });

  it('builds the config-seed job from the same bundle: the config CLI alone, no build stage', () => {
    const seed = stage('config-seed');
    const args = seed.instructions.map((i) => `${i.keyword} ${i.args}`);
    expect(args).toContain('COPY --from=bundle /app ./');
    expect(args.some((a) => a.includes('--from=build /app ./') || a.includes('--from=build /app/node_modules'))).toBe(
      false,
    );
    expect(args).toContain('USER node');
    expect(execForm(String(seed.instructions.find((i) => i.keyword === 'ENTRYPOINT')?.args))).toEqual([
      'node',
      'main.js',
    ]);
    expect(final.name).toBe('runtime');
  });

  it('starts the built entry point of APP directly with node, as the tests start it', () => {
    const link = runs(stage('bundle'))
      .join('\n')
      .match(/ln -s "\$\{WORKSPACE\}\/dist\/main\.js" main\.js/);
    expect(link).not.toBeNull();
    const cmd = final.instructions.filter((i) => i.keyword === 'CMD');
    expect(cmd).toHaveLength(1);
    expect(execForm(cmd[0].args)).toEqual(['node', 'main.js']);
    for (const app of IMAGE_APPS)
      expect({ app, built: existsSync(repoPath('apps', app, 'dist', 'main.js')) }).toEqual({ app, built: true });
  });

  it('runs unprivileged, in production mode, listening on every interface, stopped by SIGTERM', () => {
    const values = (keyword: string) => final.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
    expect(values('USER')).toEqual(['node']);
    expect(values('STOPSIGNAL')).toEqual(['SIGTERM']);
    const env = values('ENV').join(' ');
    expect(env).toMatch(/\bNODE_ENV=production\b/);
    expect(env).toMatch(/\bHOST=0\.0\.0\.0\b/);
  });

  it("has a HEALTHCHECK that runs node on the app's liveness endpoint (no curl in slim images)", () => {
    const [healthcheck] = final.instructions.filter((i) => i.keyword === 'HEALTHCHECK');
    expect(execForm(healthcheck.args)).toEqual(['node', 'deploy/docker/healthcheck.js']);
    expect(
      final.instructions.some(
        (i) => i.keyword === 'COPY' && i.args === 'deploy/docker/healthcheck.js ./deploy/docker/healthcheck.js',
      ),
    ).toBe(true);
  });

  it('accepts exactly the apps of the repository as APP, and says which', () => {
    const folders = readdirSync(repoPath('apps')).filter((name) => existsSync(repoPath('apps', name, 'package.json')));
    expect([...IMAGE_APPS].sort()).toEqual(folders.sort());
    expect(readFileSync(repoPath('Dockerfile'), 'utf8')).toContain(`# APP is one of: ${IMAGE_APPS.join(', ')}.`);
  });

  it('copies the configuration folder the services read', () => {
    expect(final.instructions.map((i) => i.args)).toContain('--from=build /app/config ./config');
    expect(existsSync(repoPath('config'))).toBe(true);
  });

  it('keeps dependencies, build output, git data and local secrets out of the build context', () => {
    const ignored = readFileSync(repoPath('.dockerignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', '.git', '.env', 'deploy/secrets']));
  });
});

describe('deploy/nginx/Dockerfile', () => {
  const nginx = readDockerfile(repoPath('deploy', 'nginx', 'Dockerfile'));

  it('copies only files that exist, and runs consul-template as PID 1 in exec form', () => {
    const last = nginx.stages[nginx.stages.length - 1];
    const local = last.instructions.filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from'));
    for (const copy of local) {
      const sources = copy.args.split(/\s+/).slice(0, -1);
      for (const source of sources)
        expect({ source, exists: existsSync(repoPath('deploy', 'nginx', source)) }).toEqual({ source, exists: true });
    }
    const entrypoint = last.instructions.find((i) => i.keyword === 'ENTRYPOINT');
    expect(execForm(String(entrypoint?.args))?.[0]).toBe('consul-template');
  });
});
