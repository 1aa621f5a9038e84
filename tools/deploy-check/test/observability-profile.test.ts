import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { describeWithRequirement, promtool, promtoolRequirement } from '@lab/testing';
import { parse, stringify } from 'yaml';

import { repoPath } from '../src/repo';

const DIR = repoPath('deploy/observability');
const DASHBOARDS = path.join(DIR, 'grafana/dashboards');

/**
 * The compose profile `observability`, checked offline: Prometheus' configuration and alert rules by
 * promtool (rules with their unit tests, shown to fail when a rule is wrong), Grafana's provisioning
 * against the dashboards it loads. Which metric names the dashboards may use is checked against a
 * running stack's /metrics in e2e (observability/traces-and-metrics).
 */
describeWithRequirement(promtoolRequirement(), 'compose profile observability (promtool)', () => {
  let work: string;
  beforeEach(() => {
    work = mkdtempSync(path.join(tmpdir(), 'observability-'));
    cpSync(DIR, work, { recursive: true });
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  it('has a Prometheus configuration promtool accepts', () => {
    const file = path.join(work, 'prometheus.yml');
    // The container reads the gateway's and Consul's tokens from secrets; promtool wants the files to exist.
    const text = readFileSync(file, 'utf8').replaceAll(/\/run\/secrets\/([a-z-]+)/g, (_path, name: string) => {
      writeFileSync(path.join(work, name), 'token\n');
      return path.join(work, name);
    });
    writeFileSync(file, promtoolKnowsConsulSd() ? text : withConsulSdCheckedApart(text));
    const result = promtool(['check', 'config', file]);
    expect(result.output).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  it('has alert rules promtool accepts, and they pass their unit tests', () => {
    expect(promtool(['check', 'rules', 'alerts.yml'], undefined, work)).toMatchObject({ status: 0 });
    const tested = promtool(['test', 'rules', 'alerts.test.yml'], undefined, work);
    expect(tested.output).toContain('SUCCESS');
    expect(tested.status).toBe(0);
  });

  it.each([
    ['a breaker alert that waits 10 minutes', 'for: 5m', 'for: 10m'],
    [
      'a flapping alert that needs 10 changes',
      'changes(discovery_instances[10m]) > 4',
      'changes(discovery_instances[10m]) > 10',
    ],
    [
      'a refused-config alert on the wrong metric',
      'increase(config_rejections_total[5m])',
      'increase(config_version[5m])',
    ],
  ])('has rule unit tests that fail on %s', (_name, from, to) => {
    const file = path.join(work, 'alerts.yml');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain(from);
    writeFileSync(file, text.replace(from, to));
    expect(promtool(['test', 'rules', 'alerts.test.yml'], undefined, work).status).not.toBe(0);
  });
});

describe('compose profile observability (Grafana)', () => {
  const provisioned = parse(readFileSync(path.join(DIR, 'grafana/provisioning/datasources/datasources.yml'), 'utf8'));
  const sources = new Set<string>(provisioned.datasources.map((d: { uid: string }) => d.uid));
  const files = readdirSync(DASHBOARDS).filter((f) => f.endsWith('.json'));

  it('provisions a discovery, a resilience and a gateway dashboard', () => {
    expect(files.sort()).toEqual(['discovery.json', 'gateway.json', 'resilience.json']);
  });

  it.each(files)('%s: every panel queries a provisioned data source and has a unique id', (file) => {
    const dashboard = JSON.parse(readFileSync(path.join(DASHBOARDS, file), 'utf8'));
    expect(dashboard.uid).toBe(path.basename(file, '.json'));
    const ids = dashboard.panels.map((p: { id: number }) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of dashboard.panels) {
      expect(panel.targets.length).toBeGreaterThan(0);
      for (const target of [panel, ...panel.targets]) expect(sources).toContain(target.datasource.uid);
      for (const target of panel.targets) expect(target.expr).toMatch(/\S/);
    }
  });
});

/** Whether this promtool was built with Consul service discovery (Debian's 2.42 was not). */
function promtoolKnowsConsulSd(): boolean {
  const dir = mkdtempSync(path.join(tmpdir(), 'promtool-sd-'));
  try {
    const file = path.join(dir, 'probe.yml');
    writeFileSync(file, 'scrape_configs:\n  - job_name: probe\n    consul_sd_configs: [{ server: "consul:8500" }]\n');
    return promtool(['check', 'config', file]).status === 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The fields Prometheus documents for a consul_sd_config that this configuration may use. */
const CONSUL_SD_FIELDS = new Set([
  'server',
  'services',
  'tags',
  'refresh_interval',
  'token',
  'authorization',
  'scheme',
]);

/**
 * For a promtool built without Consul SD: each consul_sd_configs entry is checked here (known fields,
 * host:port server) and replaced by a static target, so promtool still checks the rest of the file —
 * the global settings, the rule files, every relabelling and the scrape authorization.
 */
function withConsulSdCheckedApart(text: string): string {
  const config = parse(text) as { scrape_configs: Record<string, unknown>[] };
  for (const job of config.scrape_configs) {
    const sd = job.consul_sd_configs as Record<string, unknown>[] | undefined;
    if (sd === undefined) continue;
    for (const entry of sd) {
      expect(Object.keys(entry).filter((key) => !CONSUL_SD_FIELDS.has(key))).toEqual([]);
      expect(entry.server).toMatch(/^[a-z0-9.-]+:\d+$/);
    }
    delete job.consul_sd_configs;
    job.static_configs = [{ targets: ['consul-sd-placeholder:9090'] }];
  }
  return stringify(config);
}
