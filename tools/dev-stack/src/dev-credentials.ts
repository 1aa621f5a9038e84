import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { SERVICES, type ServiceName } from './args';

/** What one stack's services are given to trust each other, made fresh for every stack. */
export interface DevCredentials {
  /** The folder holding the files (mode 0700; secrets 0600). */
  dir: string;
  /**
   * Variables for an instance of `service`: every one trusts the stack's signing key
   * (JWT_PUBLIC_KEYS_FILE); the four services get service tokens from auth-service with their own
   * client secret; auth-service also gets the private key and every service's secret.
   */
  envFor(service: ServiceName | 'gateway'): NodeJS.ProcessEnv;
  /** Deletes the folder. */
  remove(): Promise<void>;
}

const PRIVATE = { mode: 0o600 } as const;

/**
 * A P-256 signing key pair and a client secret per service, written to a new folder under
 * `parentDir` as the files a deployment mounts as secrets (the `*_FILE` variables read them).
 * Nothing here is shared between stacks, or kept after one stops.
 */
export async function createDevCredentials(parentDir: string, authUrl: string): Promise<DevCredentials> {
  await mkdir(parentDir, { recursive: true });
  const dir = await mkdtemp(path.join(parentDir, 'credentials-'));
  const file = (name: string) => path.join(dir, name);

  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  await writeFile(file('jwt-private-key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }), PRIVATE);
  await writeFile(file('jwt-public-keys.pem'), publicKey.export({ type: 'spki', format: 'pem' }));

  const secrets = Object.fromEntries(SERVICES.map((service) => [service, randomBytes(32).toString('base64url')]));
  await writeFile(file('service-client-secrets.json'), JSON.stringify(secrets, null, 2), PRIVATE);
  for (const service of SERVICES) await writeFile(file(`${service}.client-secret`), secrets[service], PRIVATE);

  const tokenUrl = `${authUrl}/oauth/token`;
  return {
    dir,
    envFor(service) {
      const env: NodeJS.ProcessEnv = { JWT_PUBLIC_KEYS_FILE: file('jwt-public-keys.pem') };
      if (service === 'gateway') return env;
      Object.assign(env, {
        AUTH_TOKEN_URL: tokenUrl,
        SERVICE_CLIENT_SECRET_FILE: file(`${service}.client-secret`),
      });
      if (service === 'auth-service') {
        Object.assign(env, {
          JWT_PRIVATE_KEY_FILE: file('jwt-private-key.pem'),
          SERVICE_CLIENT_SECRETS_FILE: file('service-client-secrets.json'),
        });
      }
      return env;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
