import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SuiteRequirement } from '../describe-with-infra';

export interface CertifiedKey {
  cert: string;
  key: string;
}

/** A throwaway CA, a server certificate for 127.0.0.1 and a client certificate, as PEM text. */
export interface TestPki {
  ca: string;
  server: CertifiedKey;
  client: CertifiedKey;
}

/** What createTestPki needs, for describeWithRequirement: openssl on PATH. */
export function opensslRequirement(): SuiteRequirement {
  const missing = spawnSync('openssl', ['version'], { stdio: 'ignore' }).error !== undefined;
  return {
    name: 'openssl',
    available: !missing,
    reason: missing ? 'not on PATH, to make certificates with' : undefined,
  };
}

/**
 * Makes a private CA and two certificates it signs with openssl (EC P-256, valid one day): one for a
 * server at 127.0.0.1, one for a client (verify_incoming on a Consul agent asks for both). The files
 * are deleted again; the PEM text is returned.
 */
export function createTestPki(): TestPki {
  const dir = mkdtempSync(path.join(tmpdir(), 'lab-pki-'));
  try {
    const openssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    openssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=lab test CA');
    const issue = (name: string, extensions: string): CertifiedKey => {
      writeFileSync(path.join(dir, `${name}.ext`), extensions);
      openssl('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
      const sign = ['-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1'];
      openssl('x509', '-req', '-in', `${name}.csr`, ...sign, '-out', `${name}.crt`, '-extfile', `${name}.ext`);
      return {
        cert: readFileSync(path.join(dir, `${name}.crt`), 'utf8'),
        key: readFileSync(path.join(dir, `${name}.key`), 'utf8'),
      };
    };
    return {
      server: issue('server', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n'),
      client: issue('client', 'extendedKeyUsage=clientAuth\n'),
      ca: readFileSync(path.join(dir, 'ca.crt'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
