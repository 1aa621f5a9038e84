import path from 'node:path';

/** The repository root: this file sits in tools/deploy-check/src (or dist). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

export function repoPath(...segments: string[]): string {
  return path.join(REPO_ROOT, ...segments);
}

/** The apps the Dockerfile builds and the deployments run, with the port each listens on by default. */
export const DEPLOYED_APPS = [
  'auth-service',
  'product-service',
  'inventory-service',
  'order-service',
  'gateway',
  'dashboard',
] as const;
export type DeployedApp = (typeof DEPLOYED_APPS)[number];

/** Every app the Dockerfile's APP argument accepts: the deployed ones and the development registry. */
export const IMAGE_APPS = [...DEPLOYED_APPS, 'dev-registry'] as const;
