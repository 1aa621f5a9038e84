import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { configFilePaths, parseYamlTree, readFileLayer } from './file-layer';

describe('file layer', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'config-files-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (file: string, text: string): void => {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  };

  it('reads shared, then service defaults, then the environment file, each on top of the last', async () => {
    write('shared/default.yaml', 'logLevel: info\nshared: { a: 1 }\n');
    write('shared/production.yaml', 'shared: { b: 2 }\n');
    write('order-service/default.yaml', 'logLevel: debug\ncache: { ttlSeconds: 60 }\n');
    write('order-service/production.yaml', 'logLevel: warn\n');
    const layer = await readFileLayer({ configDir: dir, service: 'order-service', environment: 'production' });
    expect(layer.issues).toEqual([]);
    expect(layer.tree).toEqual({ logLevel: 'warn', shared: { a: 1, b: 2 }, cache: { ttlSeconds: 60 } });
    expect(layer.files.map((f) => path.relative(dir, f))).toEqual([
      'shared/default.yaml',
      'shared/production.yaml',
      'order-service/default.yaml',
      'order-service/production.yaml',
    ]);
  });

  it('skips missing files and reads the default environment once', async () => {
    write('gateway/default.yaml', 'logLevel: info\n');
    const layer = await readFileLayer({ configDir: dir, service: 'gateway', environment: 'default' });
    expect(layer).toMatchObject({ tree: { logLevel: 'info' }, issues: [] });
    expect(configFilePaths({ configDir: dir, service: 'gateway', environment: 'default' })).toHaveLength(2);
  });

  it('reports a broken file by name and place without quoting its content', async () => {
    write('order-service/default.yaml', 'database:\n  password: hunter2-secret\n  bad: [unclosed\n');
    const layer = await readFileLayer({ configDir: dir, service: 'order-service', environment: 'development' });
    expect(layer.issues).toHaveLength(1);
    expect(layer.issues[0].path).toBe('order-service/default.yaml');
    expect(layer.issues[0].message).toMatch(/^invalid YAML \(\w+\)/);
    expect(JSON.stringify(layer.issues)).not.toContain('hunter2');
  });

  it('refuses a document that is not a mapping, duplicate keys and prototype keys', () => {
    expect(parseYamlTree('- a\n- b\n')).toEqual({ issue: 'expected a mapping of settings at the top level' });
    expect(parseYamlTree('a: 1\na: 2\n')).toMatchObject({ issue: expect.stringMatching(/^invalid YAML/) });
    expect(parseYamlTree('a:\n  __proto__: { x: 1 }\n')).toEqual({ issue: 'key "__proto__" is not allowed' });
    expect(parseYamlTree('')).toEqual({ tree: {} });
    expect(parseYamlTree('# only a comment\n')).toEqual({ tree: {} });
  });

  it('reads YAML 1.2: yes and on stay strings', () => {
    expect(parseYamlTree('a: yes\nb: on\nc: true\n')).toEqual({ tree: { a: 'yes', b: 'on', c: true } });
  });
});
