import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoPath } from './repo';

export interface KustomizeTree {
  /** Root of the copy: holds k8s/ and deploy/ as in the repository. */
  root: string;
  path(...segments: string[]): string;
  remove(): void;
}

/**
 * A copy of k8s/ and deploy/ whose git-ignored secret files are filled from deploy/secrets/*.example,
 * so that the kustomizations build the same way on every machine, whatever secrets a developer has.
 */
export function kustomizeTreeWithExampleSecrets(): KustomizeTree {
  const root = mkdtempSync(path.join(tmpdir(), 'deploy-check-'));
  const skipLocalSecrets = (source: string): boolean =>
    !/[/\\]secrets[/\\][^/\\]+$/.test(source) || source.endsWith('.example') || source.endsWith('.gitignore');
  cpSync(repoPath('k8s'), path.join(root, 'k8s'), { recursive: true, filter: skipLocalSecrets });
  cpSync(repoPath('deploy'), path.join(root, 'deploy'), { recursive: true, filter: skipLocalSecrets });
  const examples = repoPath('deploy', 'secrets');
  for (const file of readdirSync(examples).filter((name) => name.endsWith('.example'))) {
    cpSync(path.join(examples, file), path.join(root, 'k8s', 'base', 'secrets', file.slice(0, -'.example'.length)));
  }
  return {
    root,
    path: (...segments) => path.join(root, ...segments),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
