import { spawnSync } from 'node:child_process';
import type { KubeObject } from './kube-object';
import { parseYamlDocuments } from './yaml-documents';

export class KustomizeError extends Error {
  readonly code = 'KUSTOMIZE';
}

/**
 * The kustomize built into kubectl must know `labels`, components and targeted patches: v5, which
 * kubectl carries from 1.27 on. (Debian's kubernetes-client is kubectl 1.20 with kustomize v2.)
 */
export const MINIMUM_KUSTOMIZE_MAJOR = 5;

export type KubectlStatus = { available: true; kustomizeVersion: string } | { available: false; reason: string };

/** Pure: what `kubectl version --client` printed says about its kustomize. */
export function kustomizeSupport(versionOutput: string): KubectlStatus {
  const kustomize = /Kustomize Version:\s*v?(\d+)\.(\d+)\.(\d+)/.exec(versionOutput);
  const kubectl =
    /(?:Client Version:\s*|GitVersion:")v?(\d+\.\d+\.\d+)/.exec(versionOutput)?.[1] ?? 'of unknown version';
  if (!kustomize) return { available: false, reason: `kubectl ${kubectl} reports no kustomize version` };
  const version = `v${kustomize[1]}.${kustomize[2]}.${kustomize[3]}`;
  if (Number(kustomize[1]) < MINIMUM_KUSTOMIZE_MAJOR) {
    return {
      available: false,
      reason: `kubectl ${kubectl} has kustomize ${version}; v${MINIMUM_KUSTOMIZE_MAJOR} or newer (kubectl 1.27+) is needed`,
    };
  }
  return { available: true, kustomizeVersion: version };
}

/** Whether `kubectl` is on PATH with a kustomize that renders this repository's kustomizations. */
export function kubectlStatus(): KubectlStatus {
  const result = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  if (result.error) {
    const missing = (result.error as NodeJS.ErrnoException).code === 'ENOENT';
    return {
      available: false,
      reason: missing ? 'not found on PATH' : `kubectl failed to start: ${result.error.message}`,
    };
  }
  if (result.status !== 0)
    return { available: false, reason: `kubectl version --client failed: ${result.stderr.trim()}` };
  return kustomizeSupport(result.stdout);
}

/** `kubectl kustomize <dir>`, parsed. Throws KustomizeError with kubectl's message when the build fails. */
export function kubectlKustomize(dir: string): KubeObject[] {
  const result = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new KustomizeError(`kubectl kustomize ${dir} failed: ${result.stderr.trim()}`);
  return parseYamlDocuments(result.stdout, `kubectl kustomize ${dir}`) as KubeObject[];
}
