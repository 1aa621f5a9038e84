import { kubectlAvailable, kubectlKustomize } from '../../src/kustomize/kubectl';
import { renderKustomization, type KubeObject } from '../../src/kustomize/render';
import { kustomizeTreeWithExampleSecrets, type KustomizeTree } from '../../src/kustomize/secrets-fixture';

/** The kustomizations a user applies (plus the base they share), relative to the repository. */
export const KUSTOMIZATIONS = ['k8s/base', 'k8s/overlays/dev', 'k8s/overlays/prod', 'k8s/istio'] as const;
export type KustomizationDir = (typeof KUSTOMIZATIONS)[number];

export const HAS_KUBECTL = kubectlAvailable();

export interface Renders {
  tree: KustomizeTree;
  /** kubectl's render where kubectl exists, else the test-side one. */
  rendered(dir: KustomizationDir): KubeObject[];
  fallback(dir: KustomizationDir): KubeObject[];
  kubectl(dir: KustomizationDir): KubeObject[];
}

/** Renders on a copy of the tree with the example secrets, each computed once. */
export function kustomizeRenders(): Renders {
  const tree = kustomizeTreeWithExampleSecrets();
  const cache = new Map<string, KubeObject[]>();
  const once = (key: string, make: () => KubeObject[]): KubeObject[] => {
    if (!cache.has(key)) cache.set(key, make());
    return cache.get(key) as KubeObject[];
  };
  const fallback = (dir: KustomizationDir) => once(`fallback:${dir}`, () => renderKustomization(tree.path(dir)));
  const kubectl = (dir: KustomizationDir) => once(`kubectl:${dir}`, () => kubectlKustomize(tree.path(dir)));
  return { tree, fallback, kubectl, rendered: (dir) => (HAS_KUBECTL ? kubectl(dir) : fallback(dir)) };
}

export function ofKind(objects: readonly KubeObject[], kind: string): KubeObject[] {
  return objects.filter((object) => object.kind === kind);
}

export function named(objects: readonly KubeObject[], kind: string, name: string): KubeObject {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in the render`);
  return found;
}
