import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KustomizeError, matchesLabelSelector, renderKustomization } from './render';

describe('renderKustomization (test-side kustomize)', () => {
  let root: string;
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  };
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'render-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('refuses a field it does not implement instead of ignoring it', () => {
    write('kustomization.yaml', 'namePrefix: x-\n');
    expect(() => renderKustomization(root)).toThrow(KustomizeError);
  });

  it('refuses files outside the kustomization root, as kustomize does', () => {
    write('outside.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n');
    write('inner/kustomization.yaml', 'resources: [../outside.yaml]\n');
    expect(() => renderKustomization(path.join(root, 'inner'))).toThrow(/outside the kustomization root/);
  });

  it('fixes references to a generated Secret in an overlay that adds the workload', () => {
    write('base/kustomization.yaml', 'namespace: ns\nsecretGenerator:\n  - name: s\n    literals: [a=b]\n');
    write(
      'overlay/pod.yaml',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n    spec:\n      containers: [{name: c, image: i}]\n      volumes: [{name: v, secret: {secretName: s}}]\n',
    );
    write('overlay/kustomization.yaml', 'namespace: ns\nresources: [../base, pod.yaml]\n');
    const objects = renderKustomization(path.join(root, 'overlay'));
    const secret = objects.find((o) => o.kind === 'Secret');
    const deployment = objects.find((o) => o.kind === 'Deployment');
    expect(secret?.metadata.name).toBe('s-k695gkmbtk');
    expect(JSON.stringify(deployment)).toContain('"secretName":"s-k695gkmbtk"');
  });

  it('selects by equality label selectors', () => {
    expect(matchesLabelSelector({ a: '1', b: '2' }, 'a=1,b!=3')).toBe(true);
    expect(matchesLabelSelector({ a: '1' }, 'a=1,b=2')).toBe(false);
    expect(() => matchesLabelSelector({}, 'a in (1)')).toThrow(KustomizeError);
  });
});
