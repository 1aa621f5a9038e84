import type { KubeObject } from '../kube-object';
import { compareReleases, fieldsNewerThan } from './minimum-version';

const deployment = (podSpec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'd' },
  spec: { template: { spec: podSpec } },
});

describe('fieldsNewerThan', () => {
  it('finds matchLabelKeys on a pod anti-affinity term, off by default before 1.31', () => {
    const object = deployment({
      affinity: {
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', matchLabelKeys: ['app'] } },
          ],
        },
      },
    });
    expect(fieldsNewerThan(object, '1.30')).toEqual([
      expect.objectContaining({
        feature: 'MatchLabelKeysInPodAffinity',
        since: '1.31',
        at: 'spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution.*.podAffinityTerm.matchLabelKeys',
      }),
    ]);
    expect(fieldsNewerThan(object, '1.31')).toEqual([]);
  });

  it('accepts what 1.30 has on by default: topology spread matchLabelKeys, preStop sleep', () => {
    const object = deployment({
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', matchLabelKeys: ['app'] }],
      containers: [{ name: 'app', lifecycle: { preStop: { sleep: { seconds: 5 } } } }],
    });
    expect(fieldsNewerThan(object, '1.30')).toEqual([]);
    expect(fieldsNewerThan(object, '1.29').map((use) => use.feature)).toEqual(['PodLifecycleSleepAction']);
  });

  it('compares releases numerically', () => {
    expect(compareReleases('1.9', '1.30')).toBeLessThan(0);
    expect(compareReleases('1.31', '1.30')).toBeGreaterThan(0);
    expect(compareReleases('1.30', '1.30')).toBe(0);
  });
});
