import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEPLOYED_APPS, repoPath } from './repo';

/**
 * Kubernetes mounts each service's configuration from a ConfigMap, and kustomize reads files only
 * below a kustomization. So k8s/base/config holds a copy of config/ with a generated kustomization:
 * config/ is the source, and deploy-check's tests fail while the two differ.
 */
const HEADER = `# Generated from config/ by \`npm run sync-k8s-config -w tools/deploy-check\`; do not edit by hand.
# One ConfigMap per folder of config/, mounted at /app/config/<folder> in every app pod.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
# No hash suffix: the pods mount these ConfigMaps as folders and the config library reloads the files
# when the kubelet updates them, so an edited ConfigMap applies without a restart.
generatorOptions:
  disableNameSuffixHash: true
configMapGenerator:
`;

/** `shared` and every deployed app, each with the YAML files config/ holds for it (maybe none). */
function configScopes(configDir: string): Map<string, string[]> {
  const scopes = new Map<string, string[]>();
  const folders = existsSync(configDir)
    ? readdirSync(configDir).filter((name) => statSync(path.join(configDir, name)).isDirectory())
    : [];
  for (const scope of ['shared', ...DEPLOYED_APPS, ...folders]) {
    if (scopes.has(scope)) continue;
    const dir = path.join(configDir, scope);
    scopes.set(
      scope,
      existsSync(dir)
        ? readdirSync(dir)
            .filter((name) => /\.ya?ml$/.test(name))
            .sort()
        : [],
    );
  }
  return scopes;
}

/** The files k8s/base/config must hold (path relative to it -> content). */
export function expectedK8sConfig(configDir = repoPath('config')): Map<string, string> {
  const files = new Map<string, string>();
  let kustomization = HEADER;
  for (const [scope, names] of configScopes(configDir)) {
    kustomization += `  - name: ${scope}-config\n`;
    if (names.length > 0) kustomization += `    files:\n${names.map((name) => `      - ${scope}/${name}\n`).join('')}`;
    for (const name of names) files.set(`${scope}/${name}`, readFileSync(path.join(configDir, scope, name), 'utf8'));
  }
  files.set('kustomization.yaml', kustomization);
  return files;
}

function listFiles(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full, `${prefix}${name}/`) : [`${prefix}${name}`];
  });
}

/** How k8s/base/config differs from what config/ says it must hold; [] when in step. */
export function k8sConfigDrift(
  k8sConfigDir = repoPath('k8s', 'base', 'config'),
  configDir = repoPath('config'),
): string[] {
  const expected = expectedK8sConfig(configDir);
  const drift: string[] = [];
  for (const [file, content] of expected) {
    const target = path.join(k8sConfigDir, file);
    if (!existsSync(target)) drift.push(`${file}: missing`);
    else if (readFileSync(target, 'utf8') !== content) drift.push(`${file}: differs`);
  }
  for (const file of listFiles(k8sConfigDir)) if (!expected.has(file)) drift.push(`${file}: not in config/`);
  return drift;
}

/** Rewrites k8s/base/config from config/. */
export function syncK8sConfig(
  k8sConfigDir = repoPath('k8s', 'base', 'config'),
  configDir = repoPath('config'),
): string[] {
  const expected = expectedK8sConfig(configDir);
  rmSync(k8sConfigDir, { recursive: true, force: true });
  for (const [file, content] of expected) {
    mkdirSync(path.dirname(path.join(k8sConfigDir, file)), { recursive: true });
    writeFileSync(path.join(k8sConfigDir, file), content);
  }
  return [...expected.keys()];
}
