import type { KubeObject } from '../kube-object';

/** The oldest Kubernetes release the manifests are written for; README and k8s/overlays/prod say so too. */
export const MINIMUM_KUBERNETES = '1.30';

export interface GatedField {
  /** Path segments from anywhere in an object; '*' stands for any item of a list. */
  path: readonly string[];
  /** The first release in which the feature gate is on by default (beta or GA). */
  since: string;
  feature: string;
}

/**
 * Fields an API server drops silently (or rejects) while their feature gate is off, with the release
 * that turns the gate on by default. A manifest that uses one on an older cluster does not do what
 * it says: the prod overlay's anti-affinity, for one, spread over every app instead of each.
 */
export const GATED_FIELDS: readonly GatedField[] = [
  { path: ['podAffinityTerm', 'matchLabelKeys'], since: '1.31', feature: 'MatchLabelKeysInPodAffinity' },
  { path: ['podAffinityTerm', 'mismatchLabelKeys'], since: '1.31', feature: 'MatchLabelKeysInPodAffinity' },
  {
    path: ['requiredDuringSchedulingIgnoredDuringExecution', '*', 'matchLabelKeys'],
    since: '1.31',
    feature: 'MatchLabelKeysInPodAffinity',
  },
  {
    path: ['requiredDuringSchedulingIgnoredDuringExecution', '*', 'mismatchLabelKeys'],
    since: '1.31',
    feature: 'MatchLabelKeysInPodAffinity',
  },
  {
    path: ['topologySpreadConstraints', '*', 'matchLabelKeys'],
    since: '1.27',
    feature: 'MatchLabelKeysInPodTopologySpread',
  },
  { path: ['lifecycle', 'preStop', 'sleep'], since: '1.30', feature: 'PodLifecycleSleepAction' },
  { path: ['lifecycle', 'postStart', 'sleep'], since: '1.30', feature: 'PodLifecycleSleepAction' },
  { path: ['initContainers', '*', 'restartPolicy'], since: '1.29', feature: 'SidecarContainers' },
];

/** Compares "1.30" with "1.31": negative, zero or positive. */
export function compareReleases(a: string, b: string): number {
  const [aMajor, aMinor] = a.split('.').map(Number);
  const [bMajor, bMinor] = b.split('.').map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}

export interface GatedFieldUse extends GatedField {
  /** Where it is used: spec.template.spec.affinity... */
  at: string;
}

/** Pure: each place in `object` that uses a field whose feature is not on by default in `minimum`. */
export function fieldsNewerThan(object: KubeObject, minimum: string = MINIMUM_KUBERNETES): GatedFieldUse[] {
  const newer = GATED_FIELDS.filter((field) => compareReleases(field.since, minimum) > 0);
  const found: GatedFieldUse[] = [];
  const visit = (value: unknown, segments: string[]): void => {
    for (const field of newer) {
      if (endsWith(segments, field.path)) found.push({ ...field, at: segments.join('.') });
    }
    if (Array.isArray(value)) value.forEach((item) => visit(item, [...segments, '*']));
    else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) visit(child, [...segments, key]);
    }
  };
  visit(object, []);
  return found;
}

function endsWith(segments: readonly string[], path: readonly string[]): boolean {
  if (segments.length < path.length) return false;
  const tail = segments.slice(segments.length - path.length);
  return tail.every((segment, i) => path[i] === segment);
}
