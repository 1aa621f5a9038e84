import { spawn, spawnSync } from 'node:child_process';
import { createPrivateKey, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describeWithInfra, freePort, infra, waitFor } from '@lab/testing';
import { loadComposeFile } from '../src/compose/load-compose';
import { repoPath } from '../src/repo';
import { readYamlDocument } from '../src/yaml-documents';

const hasCommand = (command: string, args: string[] = ['--version']) => {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return !result.error && result.status === 0;
};
const describeIf = (condition: boolean, reason: string) => {
  if (!condition) console.log(`skipped: ${reason}`);
  return condition ? describe : describe.skip;
};

const tempDirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'deploy-scripts-'));
  tempDirs.push(dir);
  return dir;
};
afterAll(() => tempDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describeIf(hasCommand('openssl', ['version']), 'openssl is not installed')('deploy/generate-secrets.sh', () => {
  const generate = (dir: string) =>
    spawnSync('sh', [repoPath('deploy', 'generate-secrets.sh'), dir], { encoding: 'utf8' });

  it('writes every secret compose and the Kubernetes base read, and keeps them on a second run', () => {
    const dir = tempDir();
    expect(generate(dir).status).toBe(0);
    const written = readdirSync(dir).sort();

    const compose = loadComposeFile(repoPath('docker-compose.yml'));
    const composeFiles = Object.values(compose.secrets ?? {}).map((secret) => path.basename(String(secret.file)));
    const kustomization = readYamlDocument(repoPath('k8s', 'base', 'kustomization.yaml')) as {
      secretGenerator: { files: string[] }[];
    };
    const k8sFiles = kustomization.secretGenerator.flatMap((generator) =>
      generator.files.map((spec) => path.basename(spec.split('=')[1])),
    );
    expect(written).toEqual(expect.arrayContaining([...new Set([...composeFiles, ...k8sFiles])]));
    // Each has an example showing its format.
    for (const file of written) expect(readdirSync(repoPath('deploy', 'secrets'))).toContain(`${file}.example`);

    const before = Object.fromEntries(written.map((file) => [file, readFileSync(path.join(dir, file), 'utf8')]));
    expect(generate(dir).status).toBe(0);
    for (const file of written) expect(readFileSync(path.join(dir, file), 'utf8')).toBe(before[file]);
  });

  it('writes an ES256 key auth-service accepts and URLs that name the compose and Kubernetes servers', () => {
    const dir = tempDir();
    generate(dir);
    const key = createPrivateKey(readFileSync(path.join(dir, 'jwt-private-key'), 'utf8'));
    expect(key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(readFileSync(path.join(dir, 'jwt-private-key'), 'utf8')).toContain('-----BEGIN PRIVATE KEY-----');
    for (const service of ['auth', 'product', 'inventory', 'order']) {
      const url = new URL(readFileSync(path.join(dir, `${service}-service-database-url`), 'utf8').trim());
      expect([url.hostname, url.port]).toEqual(['postgres', '5432']);
      expect(url.password).toMatch(/^[a-f0-9]{48}$/);
    }
    const redis = new URL(readFileSync(path.join(dir, 'redis-url'), 'utf8').trim());
    expect([redis.hostname, redis.port]).toEqual(['redis', '6379']);
    const token = readFileSync(path.join(dir, 'admin-token'), 'utf8').trim();
    expect(token.length).toBeGreaterThanOrEqual(16);
  });
});

describeWithInfra(['postgres'], 'deploy/postgres/init.sh on a real Postgres', () => {
  const postgres = infra('postgres');
  // PGlite (the last resort of the test servers) has a single role and cannot show ownership.
  const realServer = postgres.source !== 'embedded';
  const usable = realServer && hasCommand('psql');
  if (!usable)
    console.log(
      `init.sh tests skipped: ${realServer ? 'psql is not installed' : 'the test Postgres is the embedded PGlite'}`,
    );
  const admin = new URL(String(postgres.url));
  const suffix = randomBytes(4).toString('hex');
  const services = [`dc_a_${suffix}`, `dc_b_${suffix}`];
  const passwordOf = (name: string) => `${name}-password-0123456789`;
  const psql = (url: string, sql: string) =>
    spawnSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-Atc', sql], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });
  const asOwner = (role: string, database: string) => {
    const url = new URL(admin);
    url.username = role;
    url.password = passwordOf(role);
    url.pathname = `/${database}`;
    return url.toString();
  };
  const runInit = (dir: string) =>
    spawnSync('sh', [repoPath('deploy', 'postgres', 'init.sh')], {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH ?? '',
        SERVICE_DATABASE_URLS_DIR: dir,
        POSTGRES_USER: decodeURIComponent(admin.username),
        PGHOST: admin.hostname,
        PGPORT: admin.port || '5432',
        ...(admin.password ? { PGPASSWORD: decodeURIComponent(admin.password) } : {}),
      },
    });

  afterAll(() => {
    if (!usable) return;
    for (const name of services) {
      psql(admin.toString(), `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      psql(admin.toString(), `DROP ROLE IF EXISTS "${name}"`);
    }
  });

  (usable ? it : it.skip)('creates one database owned by one role per URL, closed to the other roles', () => {
    const dir = tempDir();
    for (const name of services) {
      writeFileSync(
        path.join(dir, `${name}-database-url`),
        `postgres://${name}:${passwordOf(name)}@postgres:5432/${name}\n`,
      );
    }
    const result = runInit(dir);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);

    const [a, b] = services;
    expect(psql(asOwner(a, a), 'SELECT current_user, current_database()').stdout.trim()).toBe(`${a}|${a}`);
    expect(
      psql(admin.toString(), `SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '${b}'`).stdout.trim(),
    ).toBe(b);
    const intruder = psql(asOwner(a, b), 'SELECT 1');
    expect(intruder.status).not.toBe(0);
    expect(intruder.stderr).toMatch(/permission denied for database/);
  });

  it('refuses a URL whose names would need quoting, before touching the server', () => {
    const dir = tempDir();
    writeFileSync(
      path.join(dir, 'bad-database-url'),
      'postgres://Robert";DROP:secret-password-123456@postgres:5432/db\n',
    );
    const result = runInit(dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('bad-database-url: user and database must be lower-case identifiers');
    expect(result.stderr).not.toContain('secret-password');
  });

  it('refuses to initialise without any URL', () => {
    const result = runInit(tempDir());
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('no *-database-url file');
  });
});

describeIf(hasCommand('redis-server') && hasCommand('redis-cli'), 'redis-server or redis-cli is not installed')(
  'deploy/redis/redis.sh',
  () => {
    it('runs Redis with the password of the URL, which never shows on the command line', async () => {
      const dir = tempDir();
      const port = await freePort();
      const password = randomBytes(12).toString('hex');
      const urlFile = path.join(dir, 'redis-url');
      writeFileSync(urlFile, `redis://:${password}@redis:${port}\n`);
      const env = { PATH: process.env.PATH ?? '', REDIS_URL_FILE: urlFile, TMPDIR: dir };
      const server = spawn('sh', [repoPath('deploy', 'redis', 'redis.sh'), 'server'], { env, stdio: 'ignore' });
      try {
        const ping = (file = urlFile) =>
          spawnSync('sh', [repoPath('deploy', 'redis', 'redis.sh'), 'ping'], { env: { ...env, REDIS_URL_FILE: file } });
        await waitFor(() => ping().status === 0, { timeoutMs: 10_000, intervalMs: 100, description: 'redis.sh ping' });

        const wrong = path.join(dir, 'wrong-url');
        writeFileSync(wrong, `redis://:not-the-password@redis:${port}\n`);
        expect(ping(wrong).status).not.toBe(0);

        // exec: the shell became redis-server, whose arguments hold only the config file's path.
        const commandLine = readFileSync(`/proc/${server.pid}/cmdline`, 'utf8');
        expect(commandLine).toContain('redis-server');
        expect(commandLine).not.toContain(password);
      } finally {
        server.kill('SIGTERM');
      }
    });
  },
);
