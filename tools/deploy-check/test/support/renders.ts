import { describeWithRequirement } from '@lab/testing';
import type { KubeObject } from '../../src/kube-object';
import { kubectlKustomize, kubectlStatus } from '../../src/kubectl-kustomize';
import { kustomizeTreeWithExampleSecrets, type KustomizeTree } from '../../src/secrets-fixture';

/** The kustomizations a user applies (plus the base they share), relative to the repository. */
export const KUSTOMIZATIONS = ['k8s/base', 'k8s/overlays/dev', 'k8s/overlays/prod', 'k8s/istio'] as const;
export type KustomizationDir = (typeof KUSTOMIZATIONS)[number];

const kubectl = kubectlStatus();

/**
 * A suite that reads renders: it runs where kubectl (with kustomize v5) is installed, is skipped
 * with the reason elsewhere, and fails under REQUIRE_INFRA=1 (CI), like the suites that need servers.
 */
export function describeWithKubectl(name: string, fn: () => void): void {
  describeWithRequirement(
    { name: 'kubectl', available: kubectl.available, reason: kubectl.available ? undefined : kubectl.reason },
    name,
    fn,
  );
}

export interface Renders {
  tree: KustomizeTree;
  /** `kubectl kustomize <dir>` on the copy of the tree, computed once per directory. */
  rendered(dir: KustomizationDir): KubeObject[];
}

/** Renders on a copy of the tree with the example secrets, each computed once. */
export function kustomizeRenders(): Renders {
  const tree = kustomizeTreeWithExampleSecrets();
  const cache = new Map<KustomizationDir, KubeObject[]>();
  return {
    tree,
    rendered(dir) {
      if (!cache.has(dir)) cache.set(dir, kubectlKustomize(tree.path(dir)));
      return cache.get(dir) as KubeObject[];
    },
  };
}

export function ofKind(objects: readonly KubeObject[], kind: string): KubeObject[] {
  return objects.filter((object) => object.kind === kind);
}

export function named(objects: readonly KubeObject[], kind: string, name: string): KubeObject {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in the render`);
  return found;
}
