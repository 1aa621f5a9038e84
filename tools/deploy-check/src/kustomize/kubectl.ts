import { spawnSync } from 'node:child_process';
import { parseYamlDocuments } from '../yaml-documents';
import { KustomizeError, type KubeObject } from './render';

/** Whether `kubectl` (with its built-in kustomize) is on PATH. */
export function kubectlAvailable(): boolean {
  const result = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  return !result.error && result.status === 0;
}

/** `kubectl kustomize <dir>`, parsed. Throws with kubectl's message when the build fails. */
export function kubectlKustomize(dir: string): KubeObject[] {
  const result = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new KustomizeError(`kubectl kustomize ${dir} failed: ${result.stderr.trim()}`);
  return parseYamlDocuments(result.stdout, `kubectl kustomize ${dir}`) as KubeObject[];
}
