import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { k8sConfigDrift, syncK8sConfig } from '../src/k8s-config';
import { repoPath } from '../src/repo';

describe('k8s/base/config', () => {
  it('holds exactly what config/ holds (fix with: npm run sync-k8s-config -w tools/deploy-check)', () => {
    expect(k8sConfigDrift()).toEqual([]);
  });

  it('drift is found, and the sync removes it', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'k8s-config-'));
    try {
      const config = path.join(root, 'config');
      const k8s = path.join(root, 'k8s-config');
      cpSync(repoPath('config'), config, { recursive: true });
      syncK8sConfig(k8s, config);
      expect(k8sConfigDrift(k8s, config)).toEqual([]);

      writeFileSync(path.join(config, 'shared', 'default.yaml'), 'changed: true\n');
      writeFileSync(path.join(config, 'gateway', 'staging.yaml'), 'new: true\n');
      writeFileSync(path.join(k8s, 'stray.yaml'), 'x: 1\n');
      expect(k8sConfigDrift(k8s, config).sort()).toEqual(
        [
          'gateway/staging.yaml: missing',
          'kustomization.yaml: differs',
          'shared/default.yaml: differs',
          'stray.yaml: not in config/',
        ].sort(),
      );

      syncK8sConfig(k8s, config);
      expect(k8sConfigDrift(k8s, config)).toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
