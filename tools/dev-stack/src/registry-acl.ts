import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

import type { StackApp } from './stack-instances';

/** The policies every registry of this project uses, kept as Consul rule files that Compose's ACL job loads too. */
const POLICIES = ['config-read', 'config-write', 'read-only', 'catalog-read'] as const;

/** The registry tokens of one stack: who may register which service, and read or write which keys. */
export interface RegistryAcl {
  /** The folder holding acl.json (mode 0700; the file 0600). */
  dir: string;
  /** The file dev-registry loads with --acl-file. */
  file: string;
  /** Every right: what a person at the shell uses (CONSUL_HTTP_TOKEN). */
  managementToken: string;
  /** May write config/ and nothing else: the config tooling (seed, config CLI, the dashboard's actions). */
  configWriterToken: string;
  /** Reads everything, writes nothing: the stack's own watcher. */
  readOnlyToken: string;
  /** An app's token: registers its own name only, reads the catalog and config/. */
  tokenFor(app: StackApp): string;
  remove(): Promise<void>;
}

const secret = () => randomBytes(24).toString('base64url');

/**
 * Fresh tokens for a stack's dev-registry, in the shapes of Consul's ACL API: the management token,
 * one per app (its service identity plus config-read), a config writer and a read-only token. The
 * anonymous token may read the catalog, as Consul is usually set up for DNS; it writes nothing.
 */
export async function createRegistryAcl(
  root: string,
  parentDir: string,
  apps: readonly StackApp[],
): Promise<RegistryAcl> {
  await mkdir(parentDir, { recursive: true });
  const dir = await mkdtemp(path.join(parentDir, 'registry-acl-'));
  const policies = await Promise.all(
    POLICIES.map(async (name) => ({
      Name: name,
      Rules: await readFile(path.join(root, 'deploy/consul/acl', `${name}.json`), 'utf8'),
    })),
  );
  const appTokens = new Map(apps.map((app) => [app, secret()]));
  const managementToken = secret();
  const configWriterToken = secret();
  const readOnlyToken = secret();
  const config = {
    managementToken,
    policies,
    anonymousPolicies: [{ Name: 'catalog-read' }],
    tokens: [
      ...[...appTokens].map(([app, token]) => ({
        SecretID: token,
        Description: `${app}: registers itself, reads the catalog and config/`,
        ServiceIdentities: [{ ServiceName: app }],
        Policies: [{ Name: 'config-read' }],
      })),
      { SecretID: configWriterToken, Description: 'config tooling', Policies: [{ Name: 'config-write' }] },
      { SecretID: readOnlyToken, Description: 'read-only', Policies: [{ Name: 'read-only' }] },
    ],
  };
  const file = path.join(dir, 'acl.json');
  await writeFile(file, JSON.stringify(config, null, 2), { mode: 0o600 });
  return {
    dir,
    file,
    managementToken,
    configWriterToken,
    readOnlyToken,
    tokenFor(app) {
      const token = appTokens.get(app);
      if (token === undefined) throw new Error(`no registry token for ${app}`);
      return token;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
